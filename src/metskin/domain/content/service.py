"""Content use cases: the catalog (packaged edition plus editors' changes), its search, and
the editors' changes, each logged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from metskin.domain.content.errors import ContentNotFound, SlugTaken
from metskin.domain.content.loader import by_tags, load_articles, load_videos
from metskin.domain.content.model import (
    CONCERN_TAGS,
    Article,
    ArticleFilter,
    ContentEdit,
    ContentKind,
    EditorChange,
    Video,
)
from metskin.domain.ports import read

if TYPE_CHECKING:
    from metskin.domain.content.ports import ContentUnitOfWork, ContentUowFactory
    from metskin.domain.ports import Clock

Item = TypeVar("Item", Article, Video)
RELATED = 3
MAX_LOG = 200


class ContentService:
    def __init__(self, uow_factory: ContentUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    # --- reading ---------------------------------------------------------------------------

    def all_articles(self) -> list[Article]:
        return self._catalog(ContentKind.ARTICLE, load_articles(), Article)

    def all_videos(self) -> list[Video]:
        return self._catalog(ContentKind.VIDEO, load_videos(), Video)

    def articles(self, wanted: ArticleFilter, after_slug: str | None, limit: int) -> list[Article]:
        """Matching articles by slug, the `limit` after `after_slug`."""
        found = [a for a in self.all_articles() if wanted.matches(a)]
        return [a for a in found if after_slug is None or a.slug > after_slug][:limit]

    def article(self, slug: str) -> Article:
        found = next((a for a in self.all_articles() if a.slug == slug), None)
        if found is None:
            raise ContentNotFound("No article has this slug.", field="slug")
        return found

    def related(self, article: Article) -> tuple[list[Article], list[Video]]:
        """Other articles and the videos sharing its tags, most shared first."""
        others = [a for a in self.all_articles() if a.slug != article.slug]
        return by_tags(others, article.tags)[:RELATED], by_tags(self.all_videos(), article.tags)

    def for_topics(self, topics: Sequence[str], limit: int = RELATED) -> list[Article]:
        """Articles about these concerns or tags (a result's concerns, a referral's reasons)."""
        tags = {tag for topic in topics for tag in CONCERN_TAGS.get(topic, {topic})}
        return by_tags(self.all_articles(), tags)[:limit]

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

    def save(self, actor_id: str, item: Article | Video, *, create: bool) -> Article | Video:
        """Create (the slug must be free) or replace (it must exist) an article or video."""
        kind = ContentKind.ARTICLE if isinstance(item, Article) else ContentKind.VIDEO
        exists = any(i.slug == item.slug for i in self._items(kind))
        if create and exists:
            raise SlugTaken(f"There is already a {kind} with this slug.", field="slug")
        if not create and not exists:
            raise ContentNotFound(f"No {kind} has this slug.", field="slug")
        self._edit(actor_id, kind, item.slug, item, "created" if create else "updated")
        return item

    def delete(self, actor_id: str, kind: ContentKind, slug: str) -> None:
        if not any(i.slug == slug for i in self._items(kind)):
            raise ContentNotFound(f"No {kind} has this slug.", field="slug")
        self._edit(actor_id, kind, slug, None, "deleted")

    def record(
        self, actor_id: str, action: str, kind: ContentKind, target: str, summary: str
    ) -> None:
        """Log a change made through another component (a dermatologist's listing)."""
        with self._uow_factory() as uow:
            self._log(uow, actor_id, action, kind, target, summary)
            uow.commit()

    def _items(self, kind: ContentKind) -> Sequence[Article | Video]:
        return self.all_articles() if kind is ContentKind.ARTICLE else self.all_videos()

    def _edit(
        self, actor_id: str, kind: ContentKind, slug: str, item: Article | Video | None, action: str
    ) -> None:
        now = self._clock()
        with self._uow_factory() as uow:
            uow.content_edits.put(ContentEdit(kind, slug, item, now, actor_id))
            title = item.title if item else slug
            self._log(uow, actor_id, action, kind, slug, f"{action} {kind} {title!r}")
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
