"""Educational content: articles and videos, tagged by concern, skin type, ingredient and topic.

The packaged files are the first edition; editors' changes (`ContentEdit`, kept in the store)
replace or hide a packaged item of the same slug, and every change is logged (`EditorChange`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# Which tags speak to each concern and skin type the analysis reports (accounts.model names).
CONCERN_TAGS: dict[str, frozenset[str]] = {
    "acne": frozenset({"acne", "benzoyl-peroxide", "salicylic-acid"}),
    "wrinkles": frozenset({"ageing", "retinoids"}),
    "pigmentation": frozenset({"pigmentation", "melasma", "darker-skin"}),
    "redness": frozenset({"redness", "rosacea"}),
    "pores": frozenset({"oiliness", "salicylic-acid"}),
    "dark_circles": frozenset({"dark-circles"}),
    "shine": frozenset({"oiliness", "oily-skin"}),
    "dryness": frozenset({"dryness", "dry-skin", "ceramides"}),
    "sensitivity": frozenset({"sensitivity", "sensitive-skin", "patch-test"}),
}
EVERY_SKIN_TYPE = "all-skin-types"
SKIN_TYPE_TAGS: dict[str, frozenset[str]] = {
    "oily": frozenset({"oily-skin", "oiliness"}),
    "dry": frozenset({"dry-skin", "dryness"}),
    "combination": frozenset({"oiliness", "dryness"}),
    "normal": frozenset(),
}


@dataclass(frozen=True)
class ContentItem:
    """What every piece of content has: its address, its title and what it is about."""

    slug: str
    title: str
    tags: tuple[str, ...]

    @property
    def concerns(self) -> tuple[str, ...]:
        return tuple(c for c, tags in CONCERN_TAGS.items() if tags & set(self.tags))

    @property
    def skin_types(self) -> tuple[str, ...]:
        everyone = EVERY_SKIN_TYPE in self.tags
        return tuple(
            kind for kind, tags in SKIN_TYPE_TAGS.items() if everyone or tags & set(self.tags)
        )


@dataclass(frozen=True)
class Article(ContentItem):
    reading_minutes: int
    summary: str
    body: str  # markdown


@dataclass(frozen=True)
class Video(ContentItem):
    duration_seconds: int
    description: str
    url: str  # an https address where the video plays


class ContentKind(StrEnum):
    ARTICLE = "article"
    VIDEO = "video"
    DERMATOLOGIST = "dermatologist"


@dataclass(frozen=True)
class ContentEdit:
    """An editor's version of one article or video; `item` None: deleted."""

    kind: ContentKind
    slug: str
    item: Article | Video | None
    edited_at: datetime
    edited_by: str


@dataclass(frozen=True)
class EditorChange:
    """One entry of the editors' log: who changed what, when."""

    at: datetime
    actor_id: str
    action: str  # created, updated, deleted
    kind: ContentKind
    target: str  # a slug, or a dermatologist's id
    summary: str
    id: int | None = None


@dataclass(frozen=True)
class ArticleFilter:
    """Every given value must match; `search` words may appear anywhere in the article."""

    search: str = ""
    tag: str | None = None
    concern: str | None = None
    skin_type: str | None = None

    def matches(self, article: Article) -> bool:
        words = self.search.lower().split()
        text = f"{article.title} {article.summary} {' '.join(article.tags)} {article.body}".lower()
        return (
            (self.tag is None or self.tag.lower() in article.tags)
            and (self.concern is None or self.concern in article.concerns)
            and (self.skin_type is None or self.skin_type in article.skin_types)
            and all(word in text for word in words)
        )
