"""A refused link (a media or a download link) says why as JSON, coded, in the language the
request asks for (`Accept-Language`), as the API's errors do."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from metskin.bootstrap import Container
from metskin.domain.errors import DomainError, NotFound
from metskin.graphql.i18n import error_text, request_locale


def refused(container: Container, request: Request, error: DomainError) -> JSONResponse:
    """404 for what is gone, else 403; the message in the request's language."""
    tr = container.translations.translator(request_locale(request.headers))
    return JSONResponse(
        {"error": error_text(error, tr), "code": error.code},
        status_code=404 if isinstance(error, NotFound) else 403,
        headers={"content-language": tr.locale, "vary": "accept-language"},
    )
