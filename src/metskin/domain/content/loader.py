"""Load articles (markdown with a small front-matter block) and videos from the package data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from metskin.domain.content.model import Article, ArticleText, Video, VideoText, tag_weight
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

CONTENT = "data/content"
FENCE = "---"
TRANSLATED = ("fr", "de")  # `<slug>.<language>.md` beside `<slug>.md`


def _content_root() -> Traversable:
    return resources.files("metskin").joinpath(CONTENT)


def parse_front_matter(text: str) -> tuple[dict[str, str | list[str]], str]:
    """Split `---` delimited `key: value` lines from the body; `[a, b]` values become lists."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise ValidationFailed(_("article must start with a --- front-matter block"))
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE)
    except StopIteration as exc:
        raise ValidationFailed(_("front-matter block is not closed")) from exc
    meta: dict[str, str | list[str]] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise ValidationFailed.translatable(_("bad front-matter line: {line}"), line=repr(line))
        meta[key.strip()] = _value(value.strip())
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _value(raw: str) -> str | list[str]:
    if raw.startswith("[") and raw.endswith("]"):
        return [item.strip().lower() for item in raw[1:-1].split(",") if item.strip()]
    return raw


def parse_article(text: str) -> Article:
    meta, body = parse_front_matter(text)
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not tags:
        raise ValidationFailed(_("article needs a non-empty tags list"), field="tags")
    try:
        return Article(
            slug=str(meta["slug"]),
            title=str(meta["title"]),
            tags=tuple(tags),
            reading_minutes=int(str(meta["reading_minutes"])),
            summary=str(meta.get("summary", "")),
            body=body,
        )
    except (KeyError, ValueError) as exc:
        bad = _("bad article front matter: {error}")
        raise ValidationFailed.translatable(bad, error=str(exc)) from exc


def parse_translation(text: str) -> tuple[str, ArticleText]:
    """A translated article file: its slug, and its title, summary and body."""
    meta, body = parse_front_matter(text)
    try:
        return str(meta["slug"]), ArticleText(
            str(meta["title"]), str(meta.get("summary", "")), body
        )
    except KeyError as exc:
        bad = _("bad translated article front matter: {error}")
        raise ValidationFailed.translatable(bad, error=str(exc)) from exc


def article_files() -> dict[str, Traversable]:
    """The packaged article files by name (`acne-basics.md`, `acne-basics.fr.md`, ...)."""
    folder = _content_root().joinpath("articles")
    return {f.name: f for f in folder.iterdir() if f.name.endswith(".md")}


@cache
def load_articles() -> tuple[Article, ...]:
    """All packaged articles with their translations, sorted by slug."""
    files = article_files()
    found: list[Article] = []
    for name, file in files.items():
        if name.count(".") != 1:
            continue
        english = parse_article(file.read_text("utf-8"))
        for language in TRANSLATED:
            variant = files.get(f"{name[:-3]}.{language}.md")
            if variant is not None:
                slug, text = parse_translation(variant.read_text("utf-8"))
                if slug != english.slug:
                    other = _("{file} names slug {slug}")
                    raise ValidationFailed.translatable(other, file=variant.name, slug=repr(slug))
                english = english.translated(language, text)
        found.append(english)
    return tuple(sorted(found, key=lambda a: a.slug))


@cache
def load_videos() -> tuple[Video, ...]:
    rows = json.loads(_content_root().joinpath("videos.json").read_text("utf-8"))["videos"]
    return parse_videos(rows)


def parse_videos(rows: list[dict[str, Any]]) -> tuple[Video, ...]:
    """Videos with their translations (`translations: {fr: {title, description,
    transcript}}`); `transcript` is optional."""
    return tuple(
        Video(
            row["slug"],
            row["title"],
            tuple(t.lower() for t in row["tags"]),
            int(row["duration_seconds"]),
            row["description"],
            row["url"],
            translations={
                language: VideoText(
                    text["title"], text.get("description", ""), text.get("transcript", "")
                )
                for language, text in row.get("translations", {}).items()
            },
            transcript=row.get("transcript", ""),
        )
        for row in rows
    )


def article(slug: str) -> Article | None:
    return next((a for a in load_articles() if a.slug == slug), None)


Tagged = TypeVar("Tagged", Article, Video)


def by_tags(items: Sequence[Tagged], tags: Iterable[str]) -> list[Tagged]:
    """Items sharing at least one of `tags`, the most about them first, then by title. Tags
    come most central first, in `tags` as in an item's: a shared tag counts its `tag_weight`
    on each side, so a tag both are about (first) counts 1 and one both mention in passing
    little (an article on sunscreen before a routine that mentions sunscreen, for a tip on
    sunscreen)."""
    wanted = {tag: place for place, tag in reversed(list(enumerate(t.lower() for t in tags)))}
    scored = [
        (
            sum(
                tag_weight(wanted[tag]) * tag_weight(place)
                for place, tag in enumerate(item.tags)
                if tag in wanted
            ),
            item,
        )
        for item in items
    ]
    return [item for score, item in sorted(scored, key=lambda p: (-p[0], p[1].title)) if score]


def articles_for_tags(tags: Iterable[str]) -> list[Article]:
    return by_tags(load_articles(), tags)


def videos_for_tags(tags: Iterable[str]) -> list[Video]:
    return by_tags(load_videos(), tags)
