"""Drafts and transcripts in the content catalog: a draft is in no reader's list, search,
page, related list or tip until it is published; unpublishing keeps its translations; a
video's transcript is translated like its other words."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from tests.fakes.content import FakeContentUnitOfWork

from metskin.domain.content.editing import checked_article, checked_video
from metskin.domain.content.errors import ContentNotFound
from metskin.domain.content.model import ArticleFilter, ContentKind, VideoText
from metskin.domain.content.service import ContentService
from metskin.domain.errors import ValidationFailed

NOW = datetime(2030, 1, 7, 9, tzinfo=UTC)
ARTICLE = checked_article("moles-at-night", "Moles at night", ["moles"], 2, "", "Look at them.")
VIDEO = checked_video(
    "moles", "ABCDE", ["moles"], 90, "", "https://videos.example/abcde.mp4", "Look.\r\n\r\nAgain."
)


@pytest.fixture
def content() -> ContentService:
    return ContentService(FakeContentUnitOfWork(), lambda: NOW)


def readers_find(content: ContentService, slug: str) -> bool:
    listed = slug in {a.slug for a in content.all_articles("fr")}
    searched = slug in {a.slug for a in content.articles(ArticleFilter(tag="moles"), None, 50)}
    ranked = content.articles_by_relevance(ArticleFilter(tag="moles"), None, 50)
    related, _ = content.related(content.article("checking-your-moles"))
    try:
        found = content.article(slug).slug == slug
    except ContentNotFound:
        found = False
    seen = {listed, searched, slug in {a.slug for a in ranked}, found}
    assert len(seen) == 1 and (found or slug not in {a.slug for a in related})
    return found


def test_a_draft_is_read_by_editors_only_until_published(content: ContentService) -> None:
    content.save("admin-1", ARTICLE, create=True, published=False)
    assert not readers_find(content, "moles-at-night")
    assert content.article("moles-at-night", drafts=True).published is False
    french = replace(ARTICLE, title="Les grains de beauté la nuit")
    content.save("admin-1", french, create=False, language="fr")  # status kept
    assert not readers_find(content, "moles-at-night")
    assert content.publish("admin-1", ContentKind.ARTICLE, "moles-at-night", True) is True
    assert readers_find(content, "moles-at-night")
    assert content.article("moles-at-night", "fr").title == "Les grains de beauté la nuit"
    assert content.publish("admin-1", ContentKind.ARTICLE, "moles-at-night", True) is False
    # Taken back to draft: gone for readers, its translation kept for when it comes back.
    content.publish("admin-1", ContentKind.ARTICLE, "acne-basics", False)  # a packaged one
    assert not readers_find(content, "acne-basics")
    content.publish("admin-1", ContentKind.ARTICLE, "moles-at-night", False)
    assert not readers_find(content, "moles-at-night")
    draft = content.article("moles-at-night", "fr", drafts=True)
    assert draft.title == "Les grains de beauté la nuit" and draft.available_locales == ("en", "fr")
    with pytest.raises(ContentNotFound):
        content.publish("admin-1", ContentKind.VIDEO, "moles-at-night", True)
    assert [(c.action, c.target) for c in content.log()][:3] == [
        ("unpublished", "moles-at-night"),
        ("unpublished", "acne-basics"),
        ("published", "moles-at-night"),
    ]


def test_saving_without_a_status_publishes_a_new_item_and_keeps_an_existing_ones(
    content: ContentService,
) -> None:
    """What saveArticle did before drafts, for the clients written then."""
    content.save("admin-1", ARTICLE, create=True)
    assert readers_find(content, "moles-at-night")
    content.publish("admin-1", ContentKind.ARTICLE, "moles-at-night", False)
    content.save("admin-1", replace(ARTICLE, title="Moles, at night"), create=False)
    assert not readers_find(content, "moles-at-night")


def test_a_draft_video_is_in_no_list_and_its_transcript_translates(
    content: ContentService,
) -> None:
    content.save("admin-1", VIDEO, create=True, published=False)
    assert (
        content.all_videos() == []
        and content.related(content.article("checking-your-moles"))[1] == []
    )
    with pytest.raises(ContentNotFound):
        content.video("moles")
    assert content.video("moles", drafts=True).transcript == "Look.\n\nAgain."
    content.publish("admin-1", ContentKind.VIDEO, "moles", True)
    german = replace(VIDEO, title="ABCDE-Regel", transcript="")
    content.save("admin-1", german, create=False, language="de")
    read = content.video("moles", "de")
    assert (read.title, read.transcript, read.transcript_language) == (
        "ABCDE-Regel",
        "Look.\n\nAgain.",
        "en",
    )
    content.save("admin-1", replace(german, transcript="Schauen."), create=False, language="de")
    read = content.video("moles", "de")
    assert (read.transcript, read.transcript_language) == ("Schauen.", "de")
    # Left out by the client (`keep`): kept as it is in that language.
    content.save("admin-1", replace(german, transcript=""), create=False, language="de",
                 keep=("transcript",))  # fmt: skip
    assert content.video("moles", "de").transcript == "Schauen."
    content.save("admin-1", replace(VIDEO, transcript=""), create=False, keep=("transcript",))
    assert content.video("moles").transcript == "Look.\n\nAgain."


def test_a_translation_made_before_transcripts_stays_current() -> None:
    """Adding the transcript to a video's words must not mark its older translations stale."""
    video = checked_video("v", "V", ["spf"], 10, "About v.", "https://videos.example/v")
    made_before = hashlib.sha256(b"V\x1fAbout v.").hexdigest()[:16]  # title, description
    stored = replace(video, translations={"fr": VideoText("V fr", "")},
                     translated_from={"fr": made_before})  # fmt: skip
    assert stored.stale_locales == ()
    assert replace(stored, transcript="Said.").stale_locales == ("fr",)


def test_a_transcript_too_long_or_with_control_characters_is_refused() -> None:
    for transcript in ("x" * 50_001, "a\x00b"):
        with pytest.raises(ValidationFailed) as refused:
            checked_video("v", "V", ["spf"], 10, "", "https://videos.example/v", transcript)
        assert refused.value.field == "transcript"
