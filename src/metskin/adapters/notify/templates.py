"""Email rendering with jinja2: `<name>.subject.j2`, `<name>.html.j2`, `<name>.txt.j2`.

Templates mark their texts with `{% trans %}` and `_()` (jinja2's i18n extension); each
language gets its own environment, with the catalog's gettext installed (`adapters/i18n/`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from metskin.domain.i18n.jinja import i18n_environment, speaking
from metskin.domain.i18n.locales import effective_locale, language_of
from metskin.domain.i18n.ports import Translations
from metskin.domain.i18n.source import SourceTexts
from metskin.domain.links import PublicLinks
from metskin.domain.messages import OutgoingEmail

# Reminders the person can turn off (not the messages of a booking or of their account): they
# carry a List-Unsubscribe header, which mail clients show as a button: a one-click link
# (RFC 8058, with List-Unsubscribe-Post) when the renderer can sign one, else the profile.
OPTIONAL_MAIL = frozenset({"check_in_due"})


def mail_environment() -> Environment:
    return i18n_environment(
        PackageLoader("metskin", "templates/mail"),
        select_autoescape(enabled_extensions=("html.j2",), default=False),
    )


class JinjaMailRenderer:
    def __init__(
        self,
        product_name: str = "MetSkin",
        base_url: str = "",
        translations: Translations | None = None,
        unsubscribe_url: Callable[[str], str] | None = None,  # the one-click link of an address
    ) -> None:
        self._translations = translations or SourceTexts()
        self._unsubscribe_url = unsubscribe_url
        # `links` builds the absolute links a template may hold (metskin.domain.links).
        self._links = PublicLinks(base_url)
        self._globals = {
            "product_name": product_name,
            "base_url": base_url,
            "links": self._links,
        }
        self._env = cache(self._environment)

    def _environment(self, locale: str) -> Environment:
        return speaking(mail_environment(), self._translations.translator(locale))

    def render_email(
        self, template: str, to: str, context: dict[str, Any], locale: str | None = None
    ) -> OutgoingEmail:
        chosen = effective_locale(locale)
        env = self._env(chosen)
        values = {**self._globals, "lang": language_of(chosen), "locale": chosen, **context}
        # One header line, whatever a name in it holds (a display name may carry a line
        # break: "Ana\r\nBcc: ..." made a second header line of the subject).
        subject = " ".join(env.get_template(f"{template}.subject.j2").render(values).split())
        html = env.get_template(f"{template}.html.j2").render(values)
        text = env.get_template(f"{template}.txt.j2").render(values)
        headers = self._unsubscribe_headers(to) if template in OPTIONAL_MAIL else ()
        return OutgoingEmail(to=to, subject=subject, html=html, text=text, headers=headers)

    def _unsubscribe_headers(self, to: str) -> tuple[tuple[str, str], ...]:
        if self._unsubscribe_url is None:
            return (("List-Unsubscribe", f"<{self._links.preferences()}>"),)
        return (
            ("List-Unsubscribe", f"<{self._unsubscribe_url(to)}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        )
