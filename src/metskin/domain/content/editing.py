"""Checks on what an editor submits: each refusal names the API's input field."""

from __future__ import annotations

import re

from metskin.domain.content.model import Article, Video
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TAG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
HTTPS_URL = re.compile(r"https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?")
MAX_SLUG, MAX_TITLE, MAX_TAGS, MAX_TAG = 80, 200, 12, 40
MAX_SUMMARY, MAX_BODY, MAX_URL, MAX_TRANSCRIPT = 500, 50_000, 500, 50_000


def _text(value: str, field: str, longest: int, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"{field} cannot be empty.", field=field)
    if len(value) > longest:
        raise ValidationFailed(f"{field} is longer than {longest} characters.", field=field)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise ValidationFailed(f"{field} holds control characters.", field=field)
    return value


def checked_slug(slug: str) -> str:
    slug = slug.strip()
    if not SLUG.fullmatch(slug) or len(slug) > MAX_SLUG:
        raise ValidationFailed(
            f"slug: lower-case letters, digits and single hyphens, at most {MAX_SLUG}.",
            field="slug",
        )
    return slug


def _tags(tags: list[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(t.strip().lower() for t in tags))
    if not cleaned or len(cleaned) > MAX_TAGS:
        raise ValidationFailed(f"Give 1 to {MAX_TAGS} tags.", field="tags")
    if bad := [t for t in cleaned if not TAG.fullmatch(t) or len(t) > MAX_TAG]:
        raise ValidationFailed(
            f"Tags are words joined by hyphens, e.g. oily-skin: {bad[0]!r}", field="tags"
        )
    return cleaned


def _count(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ValidationFailed(f"{field} must be between {low} and {high}.", field=field)
    return value


def checked_article(
    slug: str, title: str, tags: list[str], reading_minutes: int, summary: str, body: str
) -> Article:
    return Article(
        slug=checked_slug(slug),
        title=_text(title, "title", MAX_TITLE),
        tags=_tags(tags),
        reading_minutes=_count(reading_minutes, "readingMinutes", 1, 120),
        summary=_text(summary, "summary", MAX_SUMMARY, required=False),
        body=_text(body, "body", MAX_BODY) + "\n",
    )


def checked_video(
    slug: str,
    title: str,
    tags: list[str],
    duration_seconds: int,
    description: str,
    url: str,
    transcript: str = "",
) -> Video:
    url = _text(url, "url", MAX_URL)
    if not HTTPS_URL.fullmatch(url):
        raise ValidationFailed(
            _("url must be an https address where the video plays."), field="url"
        )
    return Video(
        slug=checked_slug(slug),
        title=_text(title, "title", MAX_TITLE),
        tags=_tags(tags),
        duration_seconds=_count(duration_seconds, "durationSeconds", 1, 4 * 3600),
        description=_text(description, "description", MAX_SUMMARY * 2, required=False),
        url=url,
        transcript=_text(
            transcript.replace("\r\n", "\n"), "transcript", MAX_TRANSCRIPT, required=False
        ),
    )
