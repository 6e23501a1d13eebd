"""The browser app: `/` and `/static/...` from this package, under a strict Content-Security-Policy.

Plain ES modules, no build step and no external URLs, so the policy allows only this origin.
The pages that messages link to (`APP_PAGES`, e.g. `/appointments/<id>`) serve the same page;
the app then opens the view of that path (`app.js`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from importlib import resources
from importlib.resources.abc import Traversable

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from metskin.adapters.i18n.catalogs import SOURCE_LANGUAGE, web_messages
from metskin.domain.i18n.locales import LANGUAGES
from metskin.domain.i18n.marks import _
from metskin.domain.links import APP_PAGES

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
}

# 'self' covers ws:// and wss:// to this origin (CSP level 3), so the subscription socket works.
# blob: lets the upload form preview the chosen photo or video before it is sent.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-cache",
}


def web_root() -> Traversable:
    return resources.files(__name__)


def find_static(path: str) -> Traversable | None:
    """The packaged file at a relative path, or None; no hidden parts, no way out of the root."""
    parts = path.split("/")
    if any(not part or part.startswith(".") for part in parts):
        return None
    if parts[-1].rpartition(".")[2] not in CONTENT_TYPES:
        return None
    found = web_root().joinpath(*parts)
    return found if found.is_file() else None


def entity_tag(data: bytes) -> str:
    """A strong validator of a file's bytes (`ETag`)."""
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


async def _file_response(request: Request, found: Traversable | None) -> Response:
    """The file, or 304 with no body when the browser holds these bytes already (its
    `If-None-Match`). `no-cache` makes a browser ask each time; without a validator every
    visit fetched the whole app again: about 300 KB in 39 files, 25 s on a slow 3G phone."""
    if found is None:
        return PlainTextResponse("Not found", status_code=404, headers=SECURITY_HEADERS)
    data = await anyio.to_thread.run_sync(found.read_bytes)
    return _bytes_response(request, data, found.name.rpartition(".")[2])


def _bytes_response(request: Request, data: bytes, extension: str) -> Response:
    """The bytes, gzipped when they are text and the browser takes gzip (the app's ~40
    modules shrink about four times: seconds on a slow phone connection). Each encoding has
    its own validator, as HTTP asks of two representations."""
    tag = entity_tag(data)
    headers = {**SECURITY_HEADERS}
    if extension in COMPRESSIBLE:
        headers["vary"] = "accept-encoding"
        if _takes_gzip(request.headers.get("accept-encoding", "")):
            tag, data = f'{tag[:-1]}-gzip"', _gzipped(tag, data)
            headers["content-encoding"] = "gzip"
    headers["etag"] = tag
    held = {part.strip() for part in request.headers.get("if-none-match", "").split(",")}
    if tag in held or f"W/{tag}" in held:
        return Response(status_code=304, headers=headers)
    return Response(data, headers={**headers, "content-type": CONTENT_TYPES[extension]})


# Text worth compressing; images are compressed already (svg is text).
COMPRESSIBLE = frozenset({"html", "js", "css", "svg"})
GZIP_LEVEL = 6


def _takes_gzip(accept_encoding: str) -> bool:
    """Whether `Accept-Encoding` allows gzip: named (or `*`) without `q=0`."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip().removeprefix("q=")
            try:
                return not params.strip() or float(q) > 0
            except ValueError:
                return False
    return False


# The gzip of each content served, by its validator: the app's files are few and small.
_GZIPPED: dict[str, bytes] = {}
GZIPPED_KEPT = 256


def _gzipped(tag: str, data: bytes) -> bytes:
    """The gzip of `data` (whose validator is `tag`), made once per content."""
    found = _GZIPPED.get(tag)
    if found is None:
        if len(_GZIPPED) >= GZIPPED_KEPT:  # edits in development: start again
            _GZIPPED.clear()
        found = _GZIPPED[tag] = gzip.compress(data, GZIP_LEVEL, mtime=0)
    return found


# A module's static imports and re-exports: `import ... from "./x.js"`, `import "./x.js"`,
# `export ... from "../x.js"`, `import("./x.js")` (the app imports only relative paths).
IMPORTED = re.compile(r"""(?:^|[;\s}])(?:import|export)\b[^;"']*?["'](\.{1,2}/[^"']+\.js)["']""")
ENTRY = "app.js"
APP_SCRIPT = '<script type="module" src="/static/app.js"></script>'


def module_graph(entry: str = ENTRY) -> list[str]:
    """Every module `entry` imports, directly or not, as `/static/` paths, nearest first."""
    seen: dict[str, None] = {}
    queue = [entry]
    while queue:
        path = queue.pop(0)
        found = find_static(path)
        if found is None:
            continue
        folder = path.rpartition("/")[0]
        for target in IMPORTED.findall(found.read_text(encoding="utf-8")):
            parts = [part for part in folder.split("/") if part]
            for part in target.split("/"):
                if part == "..":
                    parts = parts[:-1]
                elif part != ".":
                    parts.append(part)
            name = "/".join(parts)
            if name != entry and name not in seen:
                seen[name] = None
                queue.append(name)
    return [f"/static/{name}" for name in seen]


# index.html's own texts (`data-first-load`), shown before the app and its catalog arrive:
# `boot.js` says them in the page's language from `first_load_texts()`, so that "Loading…" on a
# slow phone, and why the app did not load when it never does, read in French or German too.
FIRST_LOAD_TEXTS = (
    _("Loading…"),
    _(
        "MetSkin did not load: the connection dropped on the way. It tries again when you are "
        "back online."
    ),
    _("Try again"),
    _("Skip to the content"),
    _("MetSkin gives skin-care guidance, not a medical diagnosis."),
    _("When to see a dermatologist"),
)
FIRST_LOAD_SLOT = "</head>"


def first_load_texts() -> dict[str, dict[str, str]]:
    """Each supported language's translation of FIRST_LOAD_TEXTS, by its English."""
    table: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        messages = web_messages(language)
        table[language] = {text: messages[text] for text in FIRST_LOAD_TEXTS if text in messages}
    return table


def index_page() -> bytes:
    """index.html with a `modulepreload` link for every module the app imports: the browser
    asks for all of them at once instead of finding them one import level at a time (five
    levels, each a round trip: about 25 s to a first page on slow 3G). Made from the files
    served, so the list never goes stale; kept while none of those files changed (reading
    and scanning the ~40 modules cost about 10 ms of CPU per `/`). Its own texts'
    translations ride along in a JSON block (data, never run: the policy allows no inline
    script) that `boot.js` reads; every language is in it, so the page is the same bytes for
    everyone (one ETag)."""
    global _index
    held = _index
    if held is not None and held[0] == _signature(held[1]):
        return held[2]
    graph = module_graph()
    files = ["index.html", ENTRY, *(path.removeprefix("/static/") for path in graph)]
    signature = _signature(files)  # before the read: a change during it is seen next time
    html = (web_root() / "index.html").read_text(encoding="utf-8")
    links = "".join(f'\n  <link rel="modulepreload" href="{path}">' for path in graph)
    texts = json.dumps(first_load_texts(), ensure_ascii=False, sort_keys=True)
    texts = texts.replace("</", "<\\/")  # nothing in it ends the block
    block = f'  <script type="application/json" id="first-load-texts">{texts}</script>\n'
    html = html.replace(FIRST_LOAD_SLOT, block + FIRST_LOAD_SLOT, 1)
    page = html.replace(APP_SCRIPT, APP_SCRIPT + links, 1).encode()  # app.js asked first
    _index = (signature, files, page) if signature is not None else None
    return page


# The page last made, the files it was made from and their signature (`_signature`).
_index: tuple[tuple[tuple[str, int, int], ...], list[str], bytes] | None = None


def _signature(files: list[str]) -> tuple[tuple[str, int, int], ...] | None:
    """Each file's modification time and size, or None when a file is gone or not on disk
    (then nothing is kept). The module graph depends on those files' text only, so the same
    signature means the same page."""
    found = []
    for name in files:
        path = web_root().joinpath(*name.split("/"))
        if not isinstance(path, os.PathLike):
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        found.append((name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


async def index(request: Request) -> Response:
    data = await anyio.to_thread.run_sync(index_page)
    return _bytes_response(request, data, "html")


async def static(request: Request) -> Response:
    return await _file_response(request, find_static(request.path_params["path"]))


def web_routes() -> list[Route]:
    return [
        Route("/", index, methods=["GET", "HEAD"]),
        *(Route(page, index, methods=["GET", "HEAD"]) for page in APP_PAGES),
        Route("/static/{path:path}", static, methods=["GET", "HEAD"]),
    ]
