"""The editors' mutations (admins only): articles and videos, each change logged."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.content.editing import checked_article, checked_slug, checked_video
from metskin.domain.content.model import Article as DomainArticle
from metskin.domain.content.model import ContentKind
from metskin.graphql.content.types import Article, Video
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAdmin, guarded_mutation


@strawberry.input
class ArticleInput:
    slug: str
    title: str
    tags: list[str]
    reading_minutes: int
    body: str = strawberry.field(description="Markdown: ## headings, - lists, **bold**.")
    summary: str = ""

    def to_domain(self) -> DomainArticle:
        return checked_article(
            self.slug, self.title, self.tags, self.reading_minutes, self.summary, self.body
        )


@strawberry.input
class VideoInput:
    slug: str
    title: str
    tags: list[str]
    duration_seconds: int
    url: str = strawberry.field(description="An https address where the video plays.")
    description: str = ""


async def _save_article(info: Info, input: ArticleInput, *, create: bool) -> Article:
    article = input.to_domain()
    saved = await run_sync(
        info.context.container.content.save, viewer_id_of(info), article, create=create
    )
    assert isinstance(saved, DomainArticle)
    return Article.from_domain(saved)


async def _save_video(info: Info, input: VideoInput, *, create: bool) -> Video:
    video = checked_video(
        input.slug, input.title, input.tags, input.duration_seconds, input.description, input.url
    )
    await run_sync(info.context.container.content.save, viewer_id_of(info), video, create=create)
    return Video.from_domain(video)


async def _delete(info: Info, kind: ContentKind, slug: str) -> bool:
    await run_sync(info.context.container.content.delete, viewer_id_of(info), kind, slug)
    return True


@strawberry.type
class ContentMutations:
    @guarded_mutation(IsAdmin, "A new article (SLUG_TAKEN when its slug is in use).")
    async def create_article(self, info: Info, input: ArticleInput) -> Article:
        return await _save_article(info, input, create=True)

    @guarded_mutation(IsAdmin, "Replace the article of this slug.")
    async def update_article(self, info: Info, input: ArticleInput) -> Article:
        return await _save_article(info, input, create=False)

    @guarded_mutation(IsAdmin, "Remove the article of this slug from every list and page.")
    async def delete_article(self, info: Info, slug: str) -> bool:
        return await _delete(info, ContentKind.ARTICLE, checked_slug(slug))

    @guarded_mutation(IsAdmin, "A new video (SLUG_TAKEN when its slug is in use).")
    async def create_video(self, info: Info, input: VideoInput) -> Video:
        return await _save_video(info, input, create=True)

    @guarded_mutation(IsAdmin, "Replace the video of this slug.")
    async def update_video(self, info: Info, input: VideoInput) -> Video:
        return await _save_video(info, input, create=False)

    @guarded_mutation(IsAdmin, "Remove the video of this slug.")
    async def delete_video(self, info: Info, slug: str) -> bool:
        return await _delete(info, ContentKind.VIDEO, checked_slug(slug))
