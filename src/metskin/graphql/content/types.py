"""GraphQL types of educational content: articles, videos, the filter, and the editors' log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from metskin.domain.content.model import CONCERN_TAGS, ContentKind
from metskin.domain.content.model import Article as DomainArticle
from metskin.domain.content.model import ArticleFilter as DomainFilter
from metskin.domain.content.model import EditorChange as DomainChange
from metskin.domain.content.model import Video as DomainVideo
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.graphql.accounts.types import SkinType
from metskin.graphql.context import run_sync
from metskin.graphql.mapping import copy_fields

LOCALE_DOC = "The language of the title and text (en, fr, de): the request's, else English."
AVAILABLE_DOC = "The languages this item is written in; English first."
STALE_DOC = (
    "The languages whose translation was saved before the English last changed: it may be "
    "out of date. Never English."
)


@strawberry.enum(description="What an editor can delete, publish or preview.")
class ContentType(Enum):
    ARTICLE = ContentKind.ARTICLE.value
    VIDEO = ContentKind.VIDEO.value


STATUS_DOC = "DRAFT: seen by editors only (includeDrafts, contentPreview). Others: PUBLISHED."


@strawberry.enum(description="Whether readers see an article or video.")
class ContentStatus(Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"

    @classmethod
    def of(cls, item: DomainArticle | DomainVideo) -> ContentStatus:
        return cls.PUBLISHED if item.published else cls.DRAFT


@strawberry.type(description="A short video; `url` is where it plays.")
class Video:
    slug: str
    title: str
    tags: list[str]
    concerns: list[str] = strawberry.field(description="The analysis concerns it speaks to.")
    duration_seconds: int
    description: str
    url: str
    locale: str = strawberry.field(description=LOCALE_DOC)
    available_locales: list[str] = strawberry.field(description=AVAILABLE_DOC)
    stale_locales: list[str] = strawberry.field(description=STALE_DOC)
    status: ContentStatus = strawberry.field(description=STATUS_DOC)
    transcript: str = strawberry.field(
        description="What is said and shown, as plain text (paragraphs between blank lines), "
        "for who cannot hear it; empty: none yet."
    )
    transcript_locale: str = strawberry.field(
        description="The transcript's language: `locale`'s, or English when this language's "
        "translation has no transcript of its own."
    )
    page_url: str = strawberry.field(
        description="Its page on this server (/learn/videos/<slug>): the transcript under it."
    )

    @classmethod
    def from_domain(cls, video: DomainVideo) -> Video:
        return copy_fields(
            cls,
            video,
            tags=list(video.tags),
            concerns=list(video.concerns),
            available_locales=list(video.available_locales),
            stale_locales=list(video.stale_locales),
            status=ContentStatus.of(video),
            transcript_locale=video.transcript_language,
            page_url=f"/learn/videos/{video.slug}",
        )


@strawberry.type(description="An educational article, readable at `url` (/learn/<slug>).")
class Article:
    slug: str
    title: str
    summary: str
    tags: list[str]
    concerns: list[str] = strawberry.field(description="The analysis concerns it speaks to.")
    skin_types: list[SkinType]
    reading_minutes: int
    body: str = strawberry.field(description="Markdown: ## headings, - lists, **bold**.")
    url: str = strawberry.field(description="The article's page on this server.")
    locale: str = strawberry.field(description=LOCALE_DOC)
    available_locales: list[str] = strawberry.field(description=AVAILABLE_DOC)
    stale_locales: list[str] = strawberry.field(description=STALE_DOC)
    status: ContentStatus = strawberry.field(description=STATUS_DOC)
    domain: strawberry.Private[DomainArticle]

    @strawberry.field(description="Videos on the same topics, most shared tags first.")
    async def videos(self, info: Info) -> list[Video]:
        _, videos = await run_sync(info.context.container.content.related, self.domain)
        return [Video.from_domain(v) for v in videos]

    @classmethod
    def from_domain(cls, article: DomainArticle) -> Article:
        return cls(
            slug=article.slug,
            title=article.title,
            summary=article.summary,
            tags=list(article.tags),
            concerns=list(article.concerns),
            skin_types=[SkinType(kind) for kind in article.skin_types],
            reading_minutes=article.reading_minutes,
            body=article.body,
            url=f"/learn/{article.slug}",
            locale=article.locale,
            available_locales=list(article.available_locales),
            stale_locales=list(article.stale_locales),
            status=ContentStatus.of(article),
            domain=article,
        )


@strawberry.input(description="Every given field must match.")
class ArticleFilter:
    tag: str | None = strawberry.field(default=None, description="One tag, e.g. spf.")
    concern: str | None = strawberry.field(
        default=None, description="An analysis concern, e.g. acne, redness, pigmentation."
    )
    skin_type: SkinType | None = strawberry.field(
        default=None, description="Articles for this skin type (or for every type)."
    )
    search: str | None = strawberry.field(default=None, description="Words in the article.")

    def to_domain(self) -> DomainFilter:
        if self.concern is not None and self.concern not in CONCERN_TAGS:
            known = ", ".join(CONCERN_TAGS)
            one_of = _("concern must be one of: {known}.")
            raise ValidationFailed.translatable(one_of, "concern", known=known)
        if self.search is not None and len(self.search) > 100:
            raise ValidationFailed(_("search is longer than 100 characters."), field="search")
        return DomainFilter(
            tag=self.tag,
            concern=self.concern,
            skin_type=self.skin_type.value if self.skin_type else None,
            search=self.search or "",
        )


@strawberry.type(description="One change an editor made.")
class EditorChange:
    at: datetime
    actor_id: strawberry.ID
    action: str
    kind: str
    target: str
    summary: str

    @classmethod
    def from_domain(cls, change: DomainChange) -> EditorChange:
        return copy_fields(cls, change, kind=change.kind.value)
