"""The pages a message can link to, as absolute URLs under the public URL (METSKIN_PUBLIC_URL).

The server answers every one of these paths: the web app's pages (`APP_PAGES`, served by
`metskin.web` and routed by `web/app.js`) and the server-rendered `/learn` pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

# Paths the web app opens directly (a link in an email); `{id}` is one path segment.
APP_PAGES = (
    "/appointments/{id}",
    "/analyses/{id}",
    "/analyse",
    "/profile",
    "/admin",
    "/forgot-password",
    "/reset-password",
    "/verify-email",
    "/change-email",
    "/accept-invitation",
    "/release-email",
)


@dataclass(frozen=True)
class PublicLinks:
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def appointment(self, appointment_id: str) -> str:
        return self.url(f"/appointments/{quote(appointment_id, safe='')}")

    def analysis(self, analysis_id: str) -> str:
        return self.url(f"/analyses/{quote(analysis_id, safe='')}")

    def article(self, slug: str) -> str:
        return self.url(f"/learn/{quote(slug, safe='')}")

    def start(self) -> str:
        """Where a new account begins: the upload page."""
        return self.url("/analyse")

    def learn(self, locale: str | None = None) -> str:
        """The articles; in `locale` (the reader's) when given, as the web app asks for them,
        rather than in the language of whichever browser opens the link."""
        asked = f"?locale={quote(locale, safe='')}" if locale else ""
        return self.url("/learn" + asked)

    def preferences(self) -> str:
        """Where a person chooses which emails and text messages we send (their profile)."""
        return self.url("/profile")

    def password_reset(self, token: str) -> str:
        """The page that sets a new password with a reset token. The token is in the fragment,
        which browsers never send: it stays out of the server's and any proxy's logs."""
        return self.url(f"/reset-password#token={quote(token, safe='')}")

    def forgot_password(self) -> str:
        """Where a person asks for a reset link."""
        return self.url("/forgot-password")

    def verify_email(self, token: str) -> str:
        """The page that verifies an address with the token of its link (in the fragment, as
        for a reset: out of every log; the page sends it, a GET changes nothing)."""
        return self.url(f"/verify-email#token={quote(token, safe='')}")

    def change_email(self, token: str) -> str:
        """The page that confirms a change of address (its button sends the token)."""
        return self.url(f"/change-email#token={quote(token, safe='')}")

    def invitation(self, token: str) -> str:
        """The page where an invited person chooses their password (the token in the fragment,
        as for a reset)."""
        return self.url(f"/accept-invitation#token={quote(token, safe='')}")

    def release_email(self, token: str) -> str:
        """The page where the owner of a mailbox frees its address from an account that never
        confirmed it (domain/accounts/release.py; the token in the fragment, as for a reset)."""
        return self.url(f"/release-email#token={quote(token, safe='')}")
