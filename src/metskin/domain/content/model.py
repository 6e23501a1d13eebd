"""Educational content: articles and videos, tagged by concern, skin type, ingredient and topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentItem:
    """What every piece of content has: its address, its title and what it is about."""

    slug: str
    title: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Article(ContentItem):
    reading_minutes: int
    summary: str
    body: str  # markdown


@dataclass(frozen=True)
class Video(ContentItem):
    duration_seconds: int
    description: str
    url: str  # a path on our own media host
