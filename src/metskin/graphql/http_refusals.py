"""The refusals sent before GraphQL reads a request, as a GraphQL-shaped JSON error with a code
and in the request's language (`Accept-Language`: no profile is read before the body):

- a method `/graphql` does not take: 405 `BAD_REQUEST` with `Allow` (`OPTIONS` answers 204
  with it); before, Starlette's plain-text "Method Not Allowed";
- a body it cannot read: 400 `BAD_REQUEST` (Strawberry's and Starlette's reasons said our way:
  before, in English only, and a multipart body Starlette could not parse was plain text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from metskin.domain.analysis.media import MB
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.said import number
from metskin.graphql.i18n import coded_text, request_locale

# The translator of a locale (the request's `Accept-Language`, negotiated).
Translators = Callable[[str], Translator]

GRAPHQL_METHODS = ("GET", "POST")
ALLOW = "GET, POST, OPTIONS"
WRONG_METHOD = _("/graphql takes GET (queries only) and POST requests, not {method}.")
# Our own reasons (`MetSkinGraphQL.decode_json`).
NESTED_TOO_DEEPLY = _("The JSON body is nested too deeply.")
NOT_UTF8 = _("The body is not UTF-8 text.")
NOT_AN_OBJECT = _('The JSON body must be an object: {"query": "..."}.')
FIELD_TOO_LARGE = _("A form field other than a file is larger than {size}.")
# Strawberry's and Starlette's reasons, word for word, and what the client is told instead.
REASONS = {
    "Unable to parse request body as JSON": _("The body is not valid JSON."),
    "Unsupported content type": _(
        "Send the request as application/json, or as multipart/form-data for an upload."
    ),
    "No GraphQL query found in the request": _("The request has no GraphQL query."),
    "Unable to parse the multipart body": _("The multipart body cannot be read."),
    "Invalid multipart data.": _("The multipart body cannot be read."),
    "Missing boundary in multipart.": _("The multipart body cannot be read."),
    "File(s) missing in form data": _("A file the multipart map names is not in the form."),
    "Batching is not enabled": _("Send one operation per request: a JSON list is not taken."),
    "The GraphQL operation's `query` must be a string or null, if provided.": _(
        "`query` must be a string."
    ),
    "The GraphQL operation's `variables` must be an object or null, if provided.": _(
        "`variables` must be a JSON object."
    ),
    "The GraphQL operation's `extensions` must be an object or null, if provided.": _(
        "`extensions` must be a JSON object."
    ),
    "Can't get GraphQL operation type": _("The document holds no operation to run."),
    "mutations are not allowed when using GET": _("Send a mutation with POST, not GET."),
    "Not Found": _("A GET to /graphql needs a `query` parameter."),
}
# Reasons with a value in them: (pattern, what the client is told, with the pattern's groups).
PATTERNS = (
    (
        re.compile(r'Unknown operation named "(?P<name>.{0,100}).*"\.', re.DOTALL),
        _('The document holds no operation named "{name}".'),
    ),
    (
        re.compile(r"Too many (?P<kind>files|fields)\. Maximum number of \w+ is (?P<most>\d+)\."),
        _("The multipart form has more than {most} parts."),
    ),
)
# Starlette's multipart part cap: a form field over it is a body too large, as JSON's.
PART_TOO_LARGE = re.compile(r"(Part|Field) exceeded maximum size of (?P<size>\d+)KB\.")


def coded_error(
    message: str,
    code: str,
    status: int,
    headers: Mapping[str, str] | None = None,
    **extensions: object,
) -> JSONResponse:
    """One coded error, GraphQL-shaped (`extensions`: more of its extensions, `retryAfter`)."""
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return JSONResponse({"data": None, "errors": [error]}, status_code=status, headers=headers)


# A size in the language's units and numbers ("3 Mo", "1,5 MB").
MEGABYTES = _("{size} MB")
KILOBYTES = _("{size} KB")


def size_words(limit: int, tr: Translator) -> str:
    """A cap in bytes as people read it, in `tr`'s language: `1 MB`, `1,5 Mo`, `512 KB`."""
    unit, amount = (MEGABYTES, limit / MB) if limit >= MB else (KILOBYTES, limit / 1024)
    return tr.gettext(unit).format(size=tr.format_number(number(amount)))


def scope_translator(scope: Scope, translators: Translators) -> Translator:
    """The translator of a request the app has not read (`Accept-Language` only)."""
    return translators(request_locale(Headers(scope=scope)))


def unreadable(reason: str, status: int, tr: Translator) -> JSONResponse:
    """A request GraphQL could not read (`reason`, in English), told in `tr`'s language:
    `BAD_REQUEST` with the status it came with, or 413 `TOO_LARGE` for a form field over the
    multipart part cap."""
    if too_large := PART_TOO_LARGE.fullmatch(reason):
        size = size_words(int(too_large["size"]) * 1024, tr)
        said = tr.gettext(FIELD_TOO_LARGE).format(size=size)
        return coded_error(said, "TOO_LARGE", 413)
    return coded_error(reason_text(reason, tr), "BAD_REQUEST", status)


def is_http_reason(reason: str) -> bool:
    """Whether `reason` is one of Strawberry's or Starlette's that `reason_text` words."""
    return reason in REASONS or any(pattern.fullmatch(reason) for pattern, _words in PATTERNS)


def reason_text(reason: str, tr: Translator) -> str:
    if reason in REASONS:
        return tr.gettext(REASONS[reason])
    for pattern, template in PATTERNS:
        if found := pattern.fullmatch(reason):
            return tr.gettext(template).format(**found.groupdict())
    return coded_text(reason, "BAD_REQUEST", tr)  # ours (marked), else the code's sentence


def wrong_method(scope: Scope, translators: Translators) -> Response | None:
    """The answer to a request `/graphql` does not run (None: GET, POST and websockets go to
    GraphQL): OPTIONS says which methods it takes, any other method is a coded 405 with
    `Allow` (HEAD too: a GraphQL GET has no headers-only form)."""
    method = scope.get("method")
    if scope["type"] != "http" or method in GRAPHQL_METHODS:
        return None
    if method == "OPTIONS":
        return Response(status_code=204, headers={"allow": ALLOW})
    said = scope_translator(scope, translators).gettext(WRONG_METHOD)
    return coded_error(said.format(method=str(method)[:20]), "BAD_REQUEST", 405, {"allow": ALLOW})
