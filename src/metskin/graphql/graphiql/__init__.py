"""GraphiQL, served from this origin only (development): its page, its start script, and the
GraphiQL and React bundles that `make graphiql` (scripts/fetch-graphiql.sh) puts under
`<var_dir>/graphiql`. No CDN: without the bundles the page says how to get them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

ASSET_PREFIX = "/graphiql-assets/"
BUNDLES = {
    "react.production.min.js": "text/javascript; charset=utf-8",
    "react-dom.production.min.js": "text/javascript; charset=utf-8",
    "graphiql.min.js": "text/javascript; charset=utf-8",
    "graphiql.min.css": "text/css; charset=utf-8",
}
START_SCRIPT = "start.js"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MetSkin GraphiQL</title>
<link rel="stylesheet" href="{prefix}graphiql.min.css"></head>
<body style="margin:0"><div id="graphiql" style="height:100vh"></div>
<script src="{prefix}react.production.min.js"></script>
<script src="{prefix}react-dom.production.min.js"></script>
<script src="{prefix}graphiql.min.js"></script>
<script src="{prefix}start.js"></script></body></html>"""

MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body><h1>GraphiQL is not installed</h1>
<p>This server serves GraphiQL from its own files only. Run <code>make graphiql</code> (it puts
the GraphiQL and React bundles under <code>{folder}</code>), then reload. The schema is in
<code>schema.graphql</code>; POST queries to <code>/graphql</code>.</p></body></html>"""


def bundles_folder(var_dir: Path) -> Path:
    return var_dir / "graphiql"


def has_bundles(var_dir: Path) -> bool:
    folder = bundles_folder(var_dir)
    return all((folder / name).is_file() for name in BUNDLES)


def ide_page(var_dir: Path) -> HTMLResponse:
    if has_bundles(var_dir):
        return HTMLResponse(PAGE.format(prefix=ASSET_PREFIX))
    return HTMLResponse(MISSING.format(folder=bundles_folder(var_dir)), status_code=503)


def asset_route(var_dir: Path, enabled: bool) -> Route:
    """`/graphiql-assets/<name>`: the start script (packaged) and the bundles (fetched)."""

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if not enabled or (name not in BUNDLES and name != START_SCRIPT):
            return PlainTextResponse("Not found", status_code=404)
        if name == START_SCRIPT:
            found = resources.files(__name__).joinpath(START_SCRIPT)
            data = await anyio.to_thread.run_sync(found.read_bytes)
            return Response(data, media_type="text/javascript; charset=utf-8")
        path = bundles_folder(var_dir) / name
        if not path.is_file():
            return PlainTextResponse("Not found: run `make graphiql`", status_code=404)
        data = await anyio.to_thread.run_sync(path.read_bytes)
        return Response(data, headers={"content-type": BUNDLES[name]})

    return Route(ASSET_PREFIX + "{name}", asset, methods=["GET", "HEAD"])
