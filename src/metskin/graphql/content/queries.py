"""Content queries: search articles, read one, and (admins) the editors' log."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.domain.content.model import Article as DomainArticle
from metskin.graphql.content.types import Article, ArticleFilter, EditorChange, Video
from metskin.graphql.context import run_sync
from metskin.graphql.cursors import CursorCodec
from metskin.graphql.i18n import request_language
from metskin.graphql.pagination import Connection, check_page_size, paginate
from metskin.graphql.permissions import IsAdmin, guarded_field

ARTICLE_CURSOR: CursorCodec[DomainArticle, str] = CursorCodec(
    "articles", lambda article: article.slug, str
)
"""By slug."""


@strawberry.type
class ContentQueries:
    @strawberry.field(
        description="Articles matching every given filter, by slug, in the request's language."
    )
    async def articles(
        self,
        info: Info,
        filter: Annotated[
            ArticleFilter | None, strawberry.argument(description="None: every article.")
        ] = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Article]:
        content, wanted = info.context.container.content, (filter or ArticleFilter()).to_domain()
        language = request_language(info)
        # Words are searched in the request's language: another language, another list.
        shape = (wanted.normalised(), language if wanted.search.split() else None)
        return await paginate(
            info,
            first,
            after,
            ARTICLE_CURSOR,
            lambda page: content.articles(wanted, page.after, page.limit, language),
            Article.from_domain,
            shape=shape,
        )

    @strawberry.field(
        description="One article by its slug (NOT_FOUND: none has it), in the request's language."
    )
    async def article(self, info: Info, slug: str) -> Article:
        content, language = info.context.container.content, request_language(info)
        return Article.from_domain(await run_sync(content.article, slug, language))

    @strawberry.field(description="Every video, by slug.")
    async def videos(self, info: Info) -> list[Video]:
        content, language = info.context.container.content, request_language(info)
        videos = await run_sync(content.all_videos, language)
        return [Video.from_domain(video) for video in videos]

    @guarded_field(IsAdmin, "Changes to articles, videos and dermatologists, newest first.")
    async def editor_log(self, info: Info, first: int = 50) -> list[EditorChange]:
        check_page_size(first, info.context.container.settings.max_page_size)
        changes = await run_sync(info.context.container.content.log, first)
        return [EditorChange.from_domain(change) for change in changes]
