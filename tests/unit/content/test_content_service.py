"""The content catalog: the packaged edition under editors' changes, its filters, and the
editors' log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.fakes.content import FakeContentUnitOfWork

from metskin.domain.content.editing import checked_article, checked_video
from metskin.domain.content.errors import ContentNotFound, SlugTaken
from metskin.domain.content.model import Article, ArticleFilter, ContentKind
from metskin.domain.content.service import ContentService
from metskin.domain.errors import ValidationFailed

NOW = datetime(2030, 1, 7, 9, tzinfo=UTC)


@pytest.fixture
def content() -> ContentService:
    return ContentService(FakeContentUnitOfWork(), lambda: NOW)


def article(
    slug: str = "washing-up", title: str = "Washing up gloves", tags: tuple[str, ...] = ("dryness",)
) -> Article:
    return checked_article(slug, title, list(tags), 2, "Gloves help dry hands.", "Wear gloves.")


def test_filters_match_concern_skin_type_tag_and_words(content: ContentService) -> None:
    acne = content.articles(ArticleFilter(concern="acne"), None, 100)
    assert acne and all("acne" in a.concerns for a in acne)
    assert "acne-basics" in {a.slug for a in acne}
    oily = {a.slug for a in content.articles(ArticleFilter(skin_type="oily"), None, 100)}
    assert "caring-for-oily-skin" in oily and "caring-for-dry-skin" not in oily
    spf = content.articles(ArticleFilter(tag="SPF", search="sunscreen"), None, 100)
    assert spf and all("spf" in a.tags for a in spf)
    assert content.articles(ArticleFilter(search="zzzz-nothing"), None, 100) == []


@pytest.mark.parametrize(
    "wanted",
    [
        ArticleFilter(tag="SPF", search="Sunscreen  SPF sunscreen"),
        ArticleFilter(search="ÉCZÉMA Rötung"),
        ArticleFilter(search="oily skin", concern="acne", skin_type="oily"),
        ArticleFilter(tag="Acne"),
    ],
)
def test_a_filter_normalised_matches_the_same_articles(
    content: ContentService, wanted: ArticleFilter
) -> None:
    """What a page cursor's fingerprint is made of (`graphql/cursors.py`): the search's words
    in any case, order or number, the tag in any case, are one filter."""
    normalised = wanted.normalised()
    assert normalised.normalised() == normalised
    assert content.articles(normalised, None, 1000) == content.articles(wanted, None, 1000)
    assert (
        ArticleFilter(search="SPF sunscreen", tag="spf").normalised()
        == ArticleFilter(search="spf sunscreen", tag="spf").normalised()
        == ArticleFilter(search=" sunscreen spf Sunscreen", tag="SPF").normalised()
    )


def test_pages_by_slug(content: ContentService) -> None:
    every = content.articles(ArticleFilter(), None, 1000)
    first = content.articles(ArticleFilter(), None, 5)
    rest = content.articles(ArticleFilter(), first[-1].slug, 1000)
    assert [a.slug for a in first + rest] == sorted(a.slug for a in every)


def test_articles_most_about_a_concern_come_first_and_page_in_that_order(
    content: ContentService,
) -> None:
    shine = ArticleFilter(concern="shine")
    ranked = content.articles_by_relevance(shine, None, 50)
    slugs = [a.slug for a in ranked]
    # By slug, two acne articles that mention oily skin came before the one about oily skin.
    assert [a.slug for a in content.articles(shine, None, 3)][:2] == [
        "acne-basics",
        "benzoyl-peroxide-and-salicylic-acid",
    ]
    assert slugs[0] == "caring-for-oily-skin"
    assert sorted(slugs) == sorted(a.slug for a in content.articles(shine, None, 50))
    relevance = [shine.relevance(a) for a in ranked]
    assert relevance == sorted(relevance, reverse=True) and relevance[-1] > 0
    paged, after = [], None
    while page := content.articles_by_relevance(shine, after, 2):
        paged += page
        after = (shine.relevance(page[-1]), page[-1].slug)
    assert paged == ranked
    # A filter about no tag (words alone) keeps the slug order.
    words = ArticleFilter(search="sunscreen")
    assert content.articles_by_relevance(words, None, 50) == content.articles(words, None, 50)


def test_an_editor_creates_updates_and_deletes_an_article_and_each_change_is_logged(
    content: ContentService,
) -> None:
    content.save("admin-1", article(), create=True)
    assert content.article("washing-up").title == "Washing up gloves"
    with pytest.raises(SlugTaken):
        content.save("admin-1", article(), create=True)
    content.save("admin-1", article(title="Gloves for dry hands"), create=False)
    assert content.article("washing-up").title == "Gloves for dry hands"
    content.save("admin-1", article("spf-basics", "Sunscreen, simply", ("spf",)), create=False)
    assert content.article("spf-basics").title == "Sunscreen, simply"  # a packaged one, edited
    content.delete("admin-1", ContentKind.ARTICLE, "acne-basics")
    with pytest.raises(ContentNotFound):
        content.article("acne-basics")
    assert "acne-basics" not in {a.slug for a in content.all_articles()}
    with pytest.raises(ContentNotFound):
        content.save("admin-1", article("never-was"), create=False)
    log = content.log()
    assert [(c.action, c.target) for c in log] == [
        ("deleted", "acne-basics"),
        ("updated", "spf-basics"),
        ("updated", "washing-up"),
        ("created", "washing-up"),
    ]
    assert all(c.actor_id == "admin-1" and c.at == NOW for c in log)


def test_videos_are_related_to_articles_by_tags(content: ContentService) -> None:
    video = checked_video("moles", "ABCDE", ["moles"], 90, "", "https://videos.example/abcde.mp4")
    content.save("admin-1", video, create=True)
    _, videos = content.related(content.article("checking-your-moles"))
    assert videos == [video]
    content.delete("admin-1", ContentKind.VIDEO, "moles")
    assert content.all_videos() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"title": " "}, "title"),
        ({"tags": []}, "tags"),
        ({"tags": ["no spaces"]}, "tags"),
        ({"reading_minutes": 0}, "readingMinutes"),
        ({"body": "x" * 50_001}, "body"),
    ],
)
def test_bad_articles_are_refused_naming_the_field(change: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "slug": "ok",
        "title": "OK",
        "tags": ["spf"],
        "reading_minutes": 2,
        "summary": "",
        "body": "Text.",
    }
    with pytest.raises(ValidationFailed) as refused:
        checked_article(**{**values, **change})  # type: ignore[arg-type]
    assert refused.value.field == field


@pytest.mark.parametrize("url", ["/media/videos/x.mp4", "http://v.example/x", "https://nohost"])
def test_a_video_needs_an_https_address(url: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_video("x", "X", ["spf"], 10, "", url)
    assert refused.value.field == "url"


def test_a_taken_slug_is_said_in_plain_english(content: ContentService) -> None:
    """It read "There is already a article with this slug." to the editor."""
    content.save("admin-1", article(), create=True)
    with pytest.raises(SlugTaken) as caught:
        content.save("admin-1", article(), create=True)
    assert str(caught.value) == "Another article already has this slug."
    video = checked_video("washing-up", "Gloves", ["dryness"], 60, "", "https://example.org/v")
    content.save("admin-1", video, create=True)
    with pytest.raises(SlugTaken) as caught:
        content.save("admin-1", video, create=True)
    assert str(caught.value) == "Another video already has this slug."
