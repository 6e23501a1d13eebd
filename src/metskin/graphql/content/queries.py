"""Content queries: search articles, read one, and (admins) drafts, previews and the
editors' log."""

from __future__ import annotations

import math
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.model import Role
from metskin.domain.content.editing import checked_slug
from metskin.domain.content.model import Article as DomainArticle
from metskin.domain.content.model import ArticleFilter as DomainFilter
from metskin.domain.content.model import ContentKind
from metskin.domain.errors import Forbidden
from metskin.domain.i18n.locales import check_locale
from metskin.domain.i18n.marks import _
from metskin.graphql.content.learn import page_of
from metskin.graphql.content.types import (
    Article,
    ArticleFilter,
    ContentType,
    EditorChange,
    Video,
)
from metskin.graphql.context import run_sync
from metskin.graphql.cursors import CursorCodec
from metskin.graphql.i18n import request_language
from metskin.graphql.pagination import Connection, check_page_size, paginate
from metskin.graphql.permissions import IsAdmin, guarded_field

DRAFTS_FOR_ADMINS = _("Drafts are read by administrators only.")


@strawberry.enum(description="How `articles` is ordered.")
class ArticleOrder(Enum):
    SLUG = "SLUG"
    RELEVANCE = "RELEVANCE"


# Each order its own list name: a cursor of one order given to the other is
# CURSOR_FILTERS_CHANGED, as one of other filters is.
ARTICLE_CURSOR: CursorCodec[DomainArticle, str] = CursorCodec(
    "articles", lambda article: article.slug, str, orders=frozenset({"articlesByRelevance"})
)
"""By slug."""


def _relevance_key(text: str) -> tuple[float, str]:
    relevance, bar, slug = text.partition("|")
    if not bar or not slug:
        raise ValueError("not a relevance cursor")
    number = float(relevance)  # ValueError: not a number
    if not math.isfinite(number):
        raise ValueError("not a relevance")
    return number, slug


def by_relevance(wanted: DomainFilter) -> CursorCodec[DomainArticle, tuple[float, str]]:
    """The list by relevance to `wanted` (`ArticleFilter.relevance`), then slug; the relevance
    written as `repr` writes a float, which reads back as the same number."""
    return CursorCodec(
        "articlesByRelevance",
        lambda article: f"{wanted.relevance(article)!r}|{article.slug}",
        _relevance_key,
        orders=frozenset({"articles"}),
    )


IncludeDrafts = Annotated[
    bool,
    strawberry.argument(
        description="Drafts too (administrators only: FORBIDDEN to others, UNAUTHENTICATED "
        "when logged out)."
    ),
]
PreviewLocale = Annotated[
    str | None,
    strawberry.argument(description="The page's language (en, fr, de); none: the request's."),
]


def drafts_for(info: Info, include: bool) -> bool:
    """Whether to read drafts: only an administrator may ask (drafts are never a patient's,
    an integrator's key's or an anonymous caller's to read)."""
    if include and info.context.require_viewer().role is not Role.ADMIN:
        raise Forbidden.translatable(DRAFTS_FOR_ADMINS, field="includeDrafts")
    return include


@strawberry.type
class ContentQueries:
    @strawberry.field(
        description="Articles matching every given filter, in the request's language, by slug "
        "or most relevant first (`orderBy`)."
    )
    async def articles(
        self,
        info: Info,
        filter: Annotated[
            ArticleFilter | None, strawberry.argument(description="None: every article.")
        ] = None,
        first: int = 20,
        after: str | None = None,
        order_by: Annotated[
            ArticleOrder,
            strawberry.argument(
                description="SLUG: by slug; RELEVANCE: the articles most about the filter's "
                "tag, concern and skin type first (one on oily skin before one on acne that "
                "mentions oily skin), then by slug. A cursor continues the order it came from "
                "(another order's is CURSOR_FILTERS_CHANGED on `after`)."
            ),
        ] = ArticleOrder.SLUG,
        include_drafts: IncludeDrafts = False,
    ) -> Connection[Article]:
        content, wanted = info.context.container.content, (filter or ArticleFilter()).to_domain()
        language, drafts = request_language(info), drafts_for(info, include_drafts)
        # Words are searched in the request's language: another language, another list.
        shape: tuple[object, ...] = (
            wanted.normalised(),
            language if wanted.search.split() else None,
        )
        if drafts:
            shape = (*shape, "drafts")
        if order_by is ArticleOrder.RELEVANCE:
            return await paginate(
                info,
                first,
                after,
                by_relevance(wanted),
                lambda page: content.articles_by_relevance(
                    wanted, page.after, page.limit, language, drafts
                ),
                Article.from_domain,
                shape=shape,
            )
        return await paginate(
            info,
            first,
            after,
            ARTICLE_CURSOR,
            lambda page: content.articles(wanted, page.after, page.limit, language, drafts),
            Article.from_domain,
            shape=shape,
        )

    @strawberry.field(
        description="One article by its slug (NOT_FOUND: none has it, or it is a draft), in "
        "the request's language."
    )
    async def article(
        self, info: Info, slug: str, include_drafts: IncludeDrafts = False
    ) -> Article:
        content, language = info.context.container.content, request_language(info)
        drafts = drafts_for(info, include_drafts)
        return Article.from_domain(await run_sync(content.article, slug, language, drafts))

    @strawberry.field(description="Every published video, by slug.")
    async def videos(self, info: Info, include_drafts: IncludeDrafts = False) -> list[Video]:
        content, language = info.context.container.content, request_language(info)
        videos = await run_sync(content.all_videos, language, drafts_for(info, include_drafts))
        return [Video.from_domain(video) for video in videos]

    @guarded_field(
        IsAdmin,
        "The page a reader would see of an article (/learn/<slug>) or a video "
        "(/learn/videos/<slug>), drafts included: a whole HTML document, to show in a "
        "sandboxed frame. CONTENT_NOT_FOUND: no such item; a bad locale: VALIDATION_FAILED.",
    )
    async def content_preview(
        self, info: Info, kind: ContentType, slug: str, locale: PreviewLocale = None
    ) -> str:
        container = info.context.container
        asked = check_locale(locale) if locale is not None else info.context.translator.locale
        tr = container.translations.translator(asked)
        item_kind = ContentKind(kind.value)
        return await run_sync(
            page_of, container.content, item_kind, checked_slug(slug), tr, drafts=True
        )

    @guarded_field(IsAdmin, "Changes to articles, videos and dermatologists, newest first.")
    async def editor_log(self, info: Info, first: int = 50) -> list[EditorChange]:
        check_page_size(first, info.context.container.settings.max_page_size)
        changes = await run_sync(info.context.container.content.log, first)
        return [EditorChange.from_domain(change) for change in changes]
