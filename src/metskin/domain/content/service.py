"""Content use cases: the catalog (packaged edition plus editors' changes), its search, and
the editors' changes, each logged."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

from metskin.domain.content.errors import ContentNotFound, SlugTaken
from metskin.domain.content.loader import by_tags, load_articles, load_videos
from metskin.domain.content.model import (
    SOURCE_LANGUAGE,
    Article,
    ArticleFilter,
    ContentEdit,
    ContentKind,
    EditorChange,
    Video,
)
from metskin.domain.i18n.marks import _
from metskin.domain.ports import read

if TYPE_CHECKING:
    from metskin.domain.content.ports import ContentUnitOfWork, ContentUowFactory
    from metskin.domain.ports import Clock

Item = TypeVar("Item", Article, Video)
RELATED = 3
TAKEN = {
    ContentKind.ARTICLE: _("Another article already has this slug."),
    ContentKind.VIDEO: _("Another video already has this slug."),
}
NO_SUCH = {
    ContentKind.ARTICLE: _("No article has this slug."),
    ContentKind.VIDEO: _("No video has this slug."),
}
ENGLISH_FIRST = {
    ContentKind.ARTICLE: _("Create the English article first."),
    ContentKind.VIDEO: _("Create the English video first."),
}
MAX_LOG = 200


class ContentService:
    def __init__(self, uow_factory: ContentUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    # --- reading ---------------------------------------------------------------------------

    def all_articles(self, language: str = SOURCE_LANGUAGE, drafts: bool = False) -> list[Article]:
        """Every published article (and the drafts with `drafts`: for editors only), each in
        `language` where it has that translation, else in English."""
        articles = self._catalog(ContentKind.ARTICLE, load_articles(), Article)
        return [a.in_language(language) for a in articles if drafts or a.published]

    def all_videos(self, language: str = SOURCE_LANGUAGE, drafts: bool = False) -> list[Video]:
        videos = self._catalog(ContentKind.VIDEO, load_videos(), Video)
        return [v.in_language(language) for v in videos if drafts or v.published]

    def articles(
        self,
        wanted: ArticleFilter,
        after_slug: str | None,
        limit: int,
        language: str = SOURCE_LANGUAGE,
        drafts: bool = False,
    ) -> list[Article]:
        """Matching articles by slug, the `limit` after `after_slug` (searched in `language`)."""
        found = [a for a in self.all_articles(language, drafts) if wanted.matches(a)]
        return [a for a in found if after_slug is None or a.slug > after_slug][:limit]

    def articles_by_relevance(
        self,
        wanted: ArticleFilter,
        after: tuple[float, str] | None,
        limit: int,
        language: str = SOURCE_LANGUAGE,
        drafts: bool = False,
    ) -> list[Article]:
        """Matching articles most about the filter's tag, concern and skin type first
        (`ArticleFilter.relevance`), then by slug: the `limit` after `after` (relevance, slug)."""
        found = sorted(
            ((-wanted.relevance(a), a.slug), a)
            for a in self.all_articles(language, drafts)
            if wanted.matches(a)
        )
        start = None if after is None else (-after[0], after[1])
        return [a for key, a in found if start is None or key > start][:limit]

    def article(self, slug: str, language: str = SOURCE_LANGUAGE, drafts: bool = False) -> Article:
        """A published article (or a draft, with `drafts`); a draft is not found otherwise."""
        found = next((a for a in self.all_articles(language, drafts) if a.slug == slug), None)
        if found is None:
            raise ContentNotFound(NO_SUCH[ContentKind.ARTICLE], field="slug")
        return found

    def video(self, slug: str, language: str = SOURCE_LANGUAGE, drafts: bool = False) -> Video:
        found = next((v for v in self.all_videos(language, drafts) if v.slug == slug), None)
        if found is None:
            raise ContentNotFound(NO_SUCH[ContentKind.VIDEO], field="slug")
        return found

    def related(self, article: Article) -> tuple[list[Article], list[Video]]:
        """Other articles and the videos sharing its tags, most shared first, in its language
        (published ones: a draft's preview links only what patients can open)."""
        language = article.locale
        others = [a for a in self.all_articles(language) if a.slug != article.slug]
        videos = self.all_videos(language)
        return by_tags(others, article.tags)[:RELATED], by_tags(videos, article.tags)

    def log(self, limit: int = 50) -> list[EditorChange]:
        return read(self._uow_factory, lambda uow: uow.editor_log.newest(min(limit, MAX_LOG)))

    def _catalog(
        self, kind: ContentKind, packaged: Sequence[Item], item_type: type[Item]
    ) -> list[Item]:
        items = {item.slug: item for item in packaged}
        for edit in read(self._uow_factory, lambda uow: uow.content_edits.all(kind)):
            if isinstance(edit.item, item_type):
                items[edit.slug] = edit.item
            else:
                items.pop(edit.slug, None)
        return sorted(items.values(), key=lambda i: i.slug)

    # --- editing ---------------------------------------------------------------------------

    def save(
        self,
        actor_id: str,
        item: Article | Video,
        *,
        create: bool,
        language: str = SOURCE_LANGUAGE,
        published: bool | None = None,
        keep: Collection[str] = (),
    ) -> Article | Video:
        """Create (the slug must be free) or replace (it must exist) an article or video.

        In another language than English, the item's words are that language's translation of
        an existing item (its tags, reading time, address are shared and replaced too); the
        English words and the other translations stay. `published`: False saves a draft, True
        publishes; None publishes a new item and keeps an existing one's state (as saving did
        before drafts). `keep`: words not given (a client written before them), kept as the
        item has them in `language`."""
        kind = ContentKind.ARTICLE if isinstance(item, Article) else ContentKind.VIDEO
        existing = next((i for i in self._items(kind) if i.slug == item.slug), None)
        if create and existing is not None:
            raise SlugTaken(TAKEN[kind], field="slug")
        if not create and existing is None:
            raise ContentNotFound(NO_SUCH[kind], field="slug")
        if language != SOURCE_LANGUAGE and existing is None:
            raise ContentNotFound(ENGLISH_FIRST[kind], field="slug")
        saved = _merged(_kept(item, existing, language, keep), existing, language)
        if published is None:
            published = existing.published if existing is not None else True
        saved = replace(saved, published=published)
        action = "created" if create else "updated"
        self._edit(actor_id, kind, item.slug, saved, action, language)
        return saved.in_language(language)

    def publish(self, actor_id: str, kind: ContentKind, slug: str, published: bool) -> bool:
        """Publish a draft (True) or take a published item back to draft (False), its words
        in every language kept; False when it already was so (nothing changes, nothing logged)."""
        existing = next((i for i in self._items(kind) if i.slug == slug), None)
        if existing is None:
            raise ContentNotFound(NO_SUCH[kind], field="slug")
        if existing.published is published:
            return False
        action = "published" if published else "unpublished"
        self._edit(actor_id, kind, slug, replace(existing, published=published), action)
        return True

    def delete(self, actor_id: str, kind: ContentKind, slug: str) -> None:
        if not any(i.slug == slug for i in self._items(kind)):
            raise ContentNotFound(NO_SUCH[kind], field="slug")
        self._edit(actor_id, kind, slug, None, "deleted")

    def record(
        self, actor_id: str, action: str, kind: ContentKind, target: str, summary: str
    ) -> None:
        """Log a change made through another component (a dermatologist's listing)."""
        with self._uow_factory() as uow:
            self._log(uow, actor_id, action, kind, target, summary)
            uow.commit()

    def _items(self, kind: ContentKind) -> Sequence[Article | Video]:
        """The items as stored: in English, with their translations."""
        if kind is ContentKind.ARTICLE:
            return self._catalog(kind, load_articles(), Article)
        return self._catalog(kind, load_videos(), Video)

    def _edit(
        self,
        actor_id: str,
        kind: ContentKind,
        slug: str,
        item: Article | Video | None,
        action: str,
        language: str = SOURCE_LANGUAGE,
    ) -> None:
        now = self._clock()
        with self._uow_factory() as uow:
            uow.content_edits.put(ContentEdit(kind, slug, item, now, actor_id))
            title = item.in_language(language).title if item else slug
            summary = f"{action} {kind} {title!r}"
            if language != SOURCE_LANGUAGE:
                summary += f" ({language})"
            self._log(uow, actor_id, action, kind, slug, summary)
            uow.commit()

    def _log(
        self,
        uow: ContentUnitOfWork,
        actor_id: str,
        action: str,
        kind: ContentKind,
        target: str,
        summary: str,
    ) -> None:
        uow.editor_log.add(
            EditorChange(self._clock(), actor_id, action, kind, target, summary[:300])
        )


def _kept(
    item: Article | Video, existing: Article | Video | None, language: str, keep: Collection[str]
) -> Article | Video:
    """`item` with the words named in `keep` as `existing` has them in `language` (none yet:
    empty)."""
    if not keep:
        return item
    before: object = existing
    if existing is not None and language != SOURCE_LANGUAGE:
        before = existing.translations.get(language)
    words: dict[str, Any] = {name: getattr(before, name, "") for name in keep}
    return replace(item, **words)


def _merged(
    item: Article | Video, existing: Article | Video | None, language: str
) -> Article | Video:
    """What to store: the English item keeping its translations, or the existing item with
    the shared fields of `item` and its words as the `language` translation."""
    if existing is None:
        return item
    if language == SOURCE_LANGUAGE:
        return item.keeping_translations_of(existing)
    shared = {f.name: getattr(item, f.name) for f in fields(item) if f.name in SHARED}
    return replace(existing, **shared).translated(language, item.text())


SHARED = frozenset({"tags", "reading_minutes", "duration_seconds", "url"})
