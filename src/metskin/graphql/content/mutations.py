"""The editors' mutations (admins only): articles and videos, each change logged."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, TypeVar, cast

import strawberry
from strawberry.types import Info

from metskin.domain.content.editing import checked_article, checked_slug, checked_video
from metskin.domain.content.model import SOURCE_LANGUAGE, ContentKind
from metskin.domain.content.model import Article as DomainArticle
from metskin.domain.content.model import Video as DomainVideo
from metskin.domain.i18n.locales import check_locale, language_of
from metskin.graphql.content.types import Article, ContentStatus, ContentType, Video
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAdmin, guarded_mutation

LocaleArgument = Annotated[
    str | None,
    strawberry.argument(
        description="The language of title, summary and body (en, fr, de; a BCP 47 tag such "
        "as fr-FR is read as its language). Not English: the words are that language's "
        "translation of an existing article (UPDATE); English and other languages stay."
    ),
]
StatusArgument = Annotated[
    ContentStatus | None,
    strawberry.argument(
        description="DRAFT: readers do not see it (until publishContent); PUBLISHED: they do. "
        "None: a new item is published, an existing one keeps its status."
    ),
]
VideoLocale = Annotated[
    str | None,
    strawberry.argument(description="The language of title and description, as in saveArticle."),
]


@strawberry.input(description="What every article and video has.")
class ContentInput:
    slug: str = strawberry.field(description="Lower-case words joined by hyphens: its address.")
    title: str
    tags: list[str]


@strawberry.input
class ArticleInput(ContentInput):
    reading_minutes: int
    body: str = strawberry.field(description="Markdown: ## headings, - lists, **bold**.")
    summary: str = ""

    def to_domain(self) -> DomainArticle:
        return checked_article(
            self.slug, self.title, self.tags, self.reading_minutes, self.summary, self.body
        )


@strawberry.input
class VideoInput(ContentInput):
    duration_seconds: int
    url: str = strawberry.field(description="An https address where the video plays.")
    description: str = ""
    transcript: str | None = strawberry.field(
        default=None,
        description="What is said and shown, as plain text (paragraphs between blank lines), "
        "in the words' language. Left out (null): kept as it is; empty: none.",
    )

    def to_domain(self) -> DomainVideo:
        return checked_video(
            self.slug,
            self.title,
            self.tags,
            self.duration_seconds,
            self.description,
            self.url,
            self.transcript or "",
        )

    def kept(self) -> tuple[str, ...]:
        return ("transcript",) if self.transcript is None else ()


@strawberry.enum(
    description="CREATE: the slug must be free (else SLUG_TAKEN). UPDATE: it must exist."
)
class SaveMode(Enum):
    CREATE = "create"
    UPDATE = "update"


Item = TypeVar("Item", DomainArticle, DomainVideo)
Shown = TypeVar("Shown")


async def _save(
    info: Info,
    item: Item,
    mode: SaveMode,
    locale: str | None,
    status: ContentStatus | None,
    shown: Callable[[Item], Shown],
    keep: tuple[str, ...] = (),
) -> Shown:
    """Save the item (its words in `locale`'s language) and show it in that language."""
    content, create = info.context.container.content, mode is SaveMode.CREATE
    language = language_of(check_locale(locale)) if locale is not None else SOURCE_LANGUAGE
    published = None if status is None else status is ContentStatus.PUBLISHED
    saved = await run_sync(
        lambda: content.save(
            viewer_id_of(info),
            item,
            create=create,
            language=language,
            published=published,
            keep=keep,
        )
    )
    return shown(cast(Item, saved))


async def _publish(info: Info, kind: ContentType, slug: str, published: bool) -> bool:
    content, admin = info.context.container.content, viewer_id_of(info)
    item_kind = ContentKind(kind.value)
    return await run_sync(content.publish, admin, item_kind, checked_slug(slug), published)


@strawberry.type
class ContentMutations:
    @guarded_mutation(IsAdmin, "Create or replace an article (logged).")
    async def save_article(
        self,
        info: Info,
        input: ArticleInput,
        mode: SaveMode,
        locale: LocaleArgument = None,
        status: StatusArgument = None,
    ) -> Article:
        return await _save(info, input.to_domain(), mode, locale, status, Article.from_domain)

    @guarded_mutation(IsAdmin, "Create or replace a video (logged).")
    async def save_video(
        self,
        info: Info,
        input: VideoInput,
        mode: SaveMode,
        locale: VideoLocale = None,
        status: StatusArgument = None,
    ) -> Video:
        item, keep = input.to_domain(), input.kept()
        return await _save(info, item, mode, locale, status, Video.from_domain, keep)

    @guarded_mutation(
        IsAdmin,
        "Publish a draft: readers see it in every language it has (logged). False: it was "
        "published already.",
    )
    async def publish_content(self, info: Info, kind: ContentType, slug: str) -> bool:
        return await _publish(info, kind, slug, True)

    @guarded_mutation(
        IsAdmin,
        "Take an article or video back to draft: out of every list and page, its words in "
        "every language kept (logged). False: it was a draft already.",
    )
    async def unpublish_content(self, info: Info, kind: ContentType, slug: str) -> bool:
        return await _publish(info, kind, slug, False)

    @guarded_mutation(IsAdmin, "Remove an article or video from every list and page (logged).")
    async def delete_content(self, info: Info, kind: ContentType, slug: str) -> bool:
        content, admin = info.context.container.content, viewer_id_of(info)
        await run_sync(content.delete, admin, ContentKind(kind.value), checked_slug(slug))
        return True
