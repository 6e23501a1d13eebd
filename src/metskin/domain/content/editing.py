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
        raise ValidationFailed.translatable(_("{name} cannot be empty."), field, name=field)
    if len(value) > longest:
        too_long = _("{name} is longer than {longest} characters.")
        raise ValidationFailed.translatable(too_long, field, name=field, longest=longest)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        controls = _("{name} holds control characters.")
        raise ValidationFailed.translatable(controls, field, name=field)
    return value


def checked_slug(slug: str) -> str:
    slug = slug.strip()
    if not SLUG.fullmatch(slug) or len(slug) > MAX_SLUG:
        slug_is = _("slug: lower-case letters, digits and single hyphens, at most {most}.")
        raise ValidationFailed.translatable(slug_is, "slug", most=MAX_SLUG)
    return slug


def _tags(tags: list[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(t.strip().lower() for t in tags))
    if not cleaned or len(cleaned) > MAX_TAGS:
        raise ValidationFailed.translatable(_("Give 1 to {most} tags."), "tags", most=MAX_TAGS)
    if bad := [t for t in cleaned if not TAG.fullmatch(t) or len(t) > MAX_TAG]:
        tags_are = _("Tags are words joined by hyphens, e.g. oily-skin: {tag}")
        raise ValidationFailed.translatable(tags_are, "tags", tag=repr(bad[0]))
    return cleaned


def _count(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        between = _("{name} must be between {low} and {high}.")
        raise ValidationFailed.translatable(between, field, name=field, low=low, high=high)
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
