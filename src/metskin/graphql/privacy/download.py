"""The download route of data exports: a signed link, checked again against the export."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metskin.bootstrap import Container
from metskin.domain.errors import DomainError, NotFound
from metskin.graphql.context import run_sync


def export_route(container: Container) -> Route:
    """Serves the zip to whoever holds a valid link: it names the export and its owner, expires
    in minutes, and the export must still be the owner's, READY and not expired."""

    async def download(request: Request) -> Response:
        try:
            export_id, user_id = container.export_links.read(
                request.path_params["token"], container.clock()
            )
            export, data = await run_sync(container.privacy.download, user_id, export_id)
        except DomainError as error:
            status = 404 if isinstance(error, NotFound) else 403
            return JSONResponse({"error": error.message, "code": error.code}, status_code=status)
        day = (export.finished_at or export.requested_at).strftime("%Y-%m-%d")
        return Response(
            data,
            media_type="application/zip",
            headers={
                "cache-control": "private, no-store",
                "x-content-type-options": "nosniff",
                "content-disposition": f'attachment; filename="metskin-data-{day}.zip"',
            },
        )

    return Route("/exports/{token}", download)
