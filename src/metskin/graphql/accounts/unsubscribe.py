"""`/unsubscribe/<token>`: the one-click link (RFC 8058) in the emails a person can turn off.

A mail client's "Unsubscribe" button POSTs to it (`List-Unsubscribe=One-Click`) and the emails
stop. Opened in a browser (GET), it asks first: link scanners fetch every link in a message,
so a GET never changes anything. The page speaks the browser's language.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from metskin.adapters.security.unsubscribe_links import UnsubscribeLinkInvalid
from metskin.bootstrap import Container
from metskin.domain.i18n.ports import Translator
from metskin.domain.links import PublicLinks
from metskin.graphql.context import run_sync
from metskin.graphql.i18n import request_locale


def unsubscribe_route(container: Container) -> Route:
    profile = PublicLinks(container.settings.effective_public_url).preferences()

    async def unsubscribe(request: Request) -> Response:
        tr = container.translations.translator(request_locale(request.headers))
        try:
            email = container.unsubscribe_links.read(request.path_params["token"])
        except UnsubscribeLinkInvalid:
            text = tr.gettext(
                "This unsubscribe link is not valid. You can choose which emails we send on "
                "your profile page."
            )
            return _page(tr, text, profile, status=400)
        if request.method == "GET":
            return _page(tr, None, profile)
        await run_sync(container.accounts.stop_emails, email)
        text = tr.gettext(
            "Done: we will send no more emails to this address. You can turn them on again "
            "on your profile page."
        )
        return _page(tr, text, profile)

    return Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"])


def _page(tr: Translator, said: str | None, profile: str, status: int = 200) -> HTMLResponse:
    question = tr.gettext("Stop all emails from us to this address?")
    button, title, link = (
        tr.gettext("Stop emails"),
        tr.gettext("Emails"),
        tr.gettext("Your profile"),
    )
    if said is None:  # the question, with the button that POSTs
        body = (
            f"<p>{escape(question)}</p>"
            f'<form method="post"><button type="submit">{escape(button)}</button></form>'
        )
    else:
        body = f"<p>{escape(said)}</p>"
    body += f'<p><a href="{escape(profile)}">{escape(link)}</a></p>'
    lang = escape(tr.locale)
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    )
    headers = {"cache-control": "no-store", "content-language": tr.locale}
    return HTMLResponse(page, status_code=status, headers=headers)
