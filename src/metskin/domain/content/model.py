"""Educational content: articles and videos, tagged by concern, skin type, ingredient and topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    tags: tuple[str, ...]
    reading_minutes: int
    summary: str
    body: str  # markdown


@dataclass(frozen=True)
class Video:
    slug: str
    title: str
    tags: tuple[str, ...]
    duration_seconds: int
    description: str
    url: str  # a path on our own media host
