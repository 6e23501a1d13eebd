"""The reader's pages: `/learn` (every published article, or those matching `?search=`),
`/learn/<slug>` (one article), `/learn/videos/<slug>` (one video with its transcript); and the
same pages of a draft, for an editor's preview (`contentPreview`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from metskin.bootstrap import Container
from metskin.domain.content.model import ArticleFilter, ContentKind
from metskin.domain.content.render import (
    render_article,
    render_index,
    render_missing,
    render_video,
)
from metskin.domain.content.service import ContentService
from metskin.domain.errors import NotFound
from metskin.domain.i18n.locales import language_of, negotiate
from metskin.domain.i18n.ports import Translator
from metskin.graphql.context import run_sync
from metskin.graphql.i18n import request_locale


def page_of(
    content: ContentService,
    kind: ContentKind,
    slug: str,
    tr: Translator,
    *,
    keep_locale: bool = False,
    drafts: bool = False,
) -> str:
    """The page of one article or video in `tr`'s language, as a reader sees it (a draft's
    too with `drafts`); CONTENT_NOT_FOUND when there is none. Blocking: run it off the loop."""
    language = language_of(tr.locale)
    if kind is ContentKind.VIDEO:
        video = content.video(slug, language, drafts)
        return render_video(video, tr=tr, keep_locale=keep_locale)
    article = content.article(slug, language, drafts)
    related, videos = content.related(article)
    return render_article(article, related, videos, tr=tr, keep_locale=keep_locale)


def learn_routes(container: Container) -> list[Route]:
    """The pages in the language of `?locale=` (the web app's links carry the reader's) if
    supported, else `Accept-Language`'s. Drafts are never served here."""
    content = container.content

    def translator(request: Request) -> tuple[Translator, bool]:
        """The page's language, and whether `?locale=` asked for it (its links then ask too)."""
        asked = negotiate(request.query_params.get("locale", "")[:35], "")
        locale = asked or request_locale(request.headers)
        return container.translations.translator(locale), bool(asked)

    async def learn_index(request: Request) -> Response:
        search = request.query_params.get("search", "")[:100]
        tr, keep = translator(request)
        wanted, language = ArticleFilter(search=search), language_of(tr.locale)
        found = await run_sync(content.articles, wanted, None, 1000, language)
        videos = [] if search else await run_sync(content.all_videos, language)
        page = render_index(found, search=search, videos=videos, tr=tr, keep_locale=keep)
        return HTMLResponse(page, headers=_lang(tr))

    def one(kind: ContentKind) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            tr, keep = translator(request)
            slug = request.path_params["slug"]
            try:
                page = await run_sync(page_of, content, kind, slug, tr, keep_locale=keep)
            except NotFound:
                page = render_missing(tr=tr, keep_locale=keep)
                return HTMLResponse(page, status_code=404, headers=_lang(tr))
            return HTMLResponse(page, headers=_lang(tr))

        return endpoint

    return [
        Route("/learn", learn_index, methods=["GET", "HEAD"]),
        Route("/learn/videos/{slug}", one(ContentKind.VIDEO), methods=["GET", "HEAD"]),
        Route("/learn/{slug}", one(ContentKind.ARTICLE), methods=["GET", "HEAD"]),
    ]


def _lang(tr: Translator) -> dict[str, str]:
    return {"content-language": tr.locale, "vary": "accept-language"}
