"""The media route: a signed link names an object and the viewer it was issued to; the object
is served only while that viewer may still see it (checked at every fetch)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from metskin.bootstrap import Container
from metskin.domain.errors import DomainError
from metskin.domain.progress.service import PICTURES
from metskin.graphql.context import run_sync
from metskin.graphql.link_errors import refused

MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
}


def media_route(container: Container) -> Route:
    async def serve_media(request: Request) -> Response:
        try:
            grant = container.media_urls.grant(request.path_params["token"])
            if grant.name.startswith(PICTURES):  # drawn on request, checked like the analyses
                data = await run_sync(container.progress.open_picture, grant)
            else:
                data = await run_sync(container.analyses.open_object, grant)
        except DomainError as error:
            return refused(container, request, error)
        return Response(
            data,
            media_type=MEDIA_TYPES.get(grant.name.rsplit(".", 1)[-1], "application/octet-stream"),
            headers={
                # Asked again each time (access can end) and never written to the browser's
                # disk: faces of patients stay off a shared clinic computer after a log-out.
                # (no-cache kept a copy that, without a validator, was never used anyway.)
                "cache-control": "private, no-store",
                "x-content-type-options": "nosniff",
                "content-disposition": "inline",
            },
        )

    return Route("/media/{token}", serve_media)
