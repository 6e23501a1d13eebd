"""`/i18n/messages.json`: the web app's texts in one language, from the same .po catalogs as
the emails. `?locale=` (the signed-in profile's) wins; else `Accept-Language`; else English.
A locale that is not a supported BCP 47 tag is refused with a coded 400."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metskin.adapters.i18n.catalogs import web_messages
from metskin.domain.errors import DomainError
from metskin.domain.i18n.locales import check_locale, language_of, supported_locales
from metskin.graphql.i18n import request_locale

HEADERS = {"cache-control": "no-cache", "x-content-type-options": "nosniff"}


async def messages(request: Request) -> Response:
    asked = request.query_params.get("locale")
    try:
        locale = check_locale(asked) if asked else request_locale(request.headers)
    except DomainError as error:
        body = {"error": {"message": error.message, "code": error.code, "field": "locale"}}
        return JSONResponse(body, status_code=400, headers=HEADERS)
    payload = {
        "locale": locale,
        "language": language_of(locale),
        "supported": list(supported_locales()),
        "messages": web_messages(language_of(locale)),
    }
    return JSONResponse(payload, headers={**HEADERS, "content-language": locale})


def catalog_routes() -> list[Route]:
    return [Route("/i18n/messages.json", messages, methods=["GET", "HEAD"])]
