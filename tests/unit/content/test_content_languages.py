"""The content catalog in the reader's language: each item's own translation, English where it
has none, and editors saving a translation without touching the English or the others."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.fakes.content import FakeContentUnitOfWork

from metskin.domain.content.editing import checked_article, checked_video
from metskin.domain.content.errors import ContentNotFound
from metskin.domain.content.loader import parse_videos
from metskin.domain.content.model import ArticleFilter, ContentKind
from metskin.domain.content.render import render_article, render_index
from metskin.domain.content.service import ContentService
from metskin.domain.content.stemming import stem
from metskin.domain.i18n.source import ENGLISH

NOW = datetime(2030, 1, 7, 9, tzinfo=UTC)


@pytest.fixture
def content() -> ContentService:
    return ContentService(FakeContentUnitOfWork(), lambda: NOW)


def test_an_article_reads_in_french_or_german_and_in_english_otherwise(
    content: ContentService,
) -> None:
    english, french = content.article("melasma"), content.article("melasma", "fr")
    german = content.article("melasma", "de")
    assert (english.locale, french.locale, german.locale) == ("en", "fr", "de")
    assert french.title.startswith("Le mélasma") and "Sonnenschutz" in german.body
    assert french.available_locales == ("en", "de", "fr")
    assert content.article("melasma", "es") == english  # no Spanish: English


def test_search_and_related_speak_the_readers_language(content: ContentService) -> None:
    found = content.articles(ArticleFilter(search="crème solaire"), None, 50, "fr")
    assert found and all(a.locale == "fr" for a in found)
    assert content.articles(ArticleFilter(search="crème solaire"), None, 50) == []
    related, _ = content.related(content.article("spf-basics", "de"))
    assert related and all(a.locale == "de" for a in related)


@pytest.mark.parametrize(
    ("language", "typed", "written"),
    [
        ("fr", "eczema", "eczéma"),  # a phone keyboard without accents
        ("fr", "creme solaire", "crème solaire"),
        ("fr", "ROSACEE", "rosacée"),
        ("de", "Roetung", "Rötung"),  # a keyboard without umlauts
        ("de", "rotung", "Rötung"),
        ("en", "Eczéma", "eczema"),
    ],
)
def test_search_finds_words_typed_without_accents_or_umlauts(
    content: ContentService, language: str, typed: str, written: str
) -> None:
    """Before, a French reader typing "eczema" found none of the four articles on eczéma."""
    as_written = content.articles(ArticleFilter(search=written), None, 50, language)
    assert as_written
    assert content.articles(ArticleFilter(search=typed), None, 50, language) == as_written


def test_an_editor_saves_a_translation_and_keeps_the_english(content: ContentService) -> None:
    text = checked_article(
        "melasma", "Mélasma (revu)", ["pigmentation", "melasma"], 3, "Résumé.", "## Un\n\nTexte."
    )
    saved = content.save("admin-1", text, create=False, language="fr")
    assert saved.locale == "fr" and saved.title == "Mélasma (revu)"
    assert content.article("melasma", "fr").body == "## Un\n\nTexte.\n"
    english = content.article("melasma")
    assert english.title.startswith("Melasma") and english.reading_minutes == 3
    assert english.tags == ("pigmentation", "melasma")  # shared fields follow the edit
    assert content.article("melasma", "de").title.startswith("Melasma - Pigment")
    assert content.log(1)[0].summary == "updated article 'Mélasma (revu)' (fr)"
    # an English edit keeps the translations
    english_edit = checked_article("melasma", "Melasma", ["melasma"], 2, "", "New body.")
    content.save("admin-1", english_edit, create=False)
    assert content.article("melasma", "fr").title == "Mélasma (revu)"
    assert content.article("melasma").body == "New body.\n"


def test_a_translation_needs_the_english_item(content: ContentService) -> None:
    text = checked_article("brand-new", "Nouveau", ["spf"], 1, "", "Texte.")
    with pytest.raises(ContentNotFound) as error:
        content.save("admin-1", text, create=True, language="de")
    assert error.value.field == "slug"
    assert content.log() == []


def test_a_video_translation_is_saved_and_read(content: ContentService) -> None:
    video = checked_video("spf-howto", "SPF how-to", ["spf"], 90, "How much.", "https://v.ex/a")
    content.save("admin-1", video, create=True)
    french = checked_video("spf-howto", "Le FPS", ["spf"], 95, "Combien.", "https://v.ex/b")
    content.save("admin-1", french, create=False, language="fr")
    read = content.all_videos("fr")[0]
    assert (read.title, read.description, read.locale) == ("Le FPS", "Combien.", "fr")
    assert (read.url, read.duration_seconds) == ("https://v.ex/b", 95)
    assert content.all_videos("de")[0].title == "SPF how-to"
    assert content.all_videos()[0].available_locales == ("en", "fr")
    assert content.log(5)[0].kind is ContentKind.VIDEO


def test_packaged_videos_carry_their_translations() -> None:
    rows = [
        {
            "slug": "a",
            "title": "Title",
            "tags": ["SPF"],
            "duration_seconds": 60,
            "description": "Text",
            "url": "https://v.example/a",
            "translations": {"de": {"title": "Titel", "description": "Text auf Deutsch"}},
        }
    ]
    (video,) = parse_videos(rows)
    assert video.in_language("de").title == "Titel" and video.in_language("fr").title == "Title"


def test_pages_mark_each_article_with_its_own_language(content: ContentService) -> None:
    french = content.article("niacinamide", "fr")
    related, videos = content.related(french)
    page = render_article(french, related, videos, tr=ENGLISH)
    assert '<article lang="fr">' in page and "<h2>Bénéfices possibles</h2>" in page
    index = render_index(content.articles(ArticleFilter(), None, 100, "de"))
    assert 'lang="de">Niacinamid - was es kann und was nicht</a>' in index


def test_a_translation_older_than_its_english_is_marked_stale(content: ContentService) -> None:
    assert content.article("melasma").stale_locales == ()  # packaged: made from this English
    french = checked_article("melasma", "Mélasma", ["melasma"], 3, "Résumé.", "Texte.")
    content.save("admin-1", french, create=False, language="fr")
    assert content.article("melasma", "fr").stale_locales == ()
    english = content.article("melasma")
    same = checked_article("melasma", english.title, ["melasma"], 3, english.summary, english.body)
    content.save("admin-1", same, create=False)  # saved again, words unchanged
    assert content.article("melasma").stale_locales == ()
    changed = checked_article("melasma", "Melasma", ["melasma"], 3, "", "A new English body.")
    content.save("admin-1", changed, create=False)
    assert content.article("melasma").stale_locales == ("de", "fr")
    assert content.article("melasma", "fr").stale_locales == ("de", "fr")  # same in any view
    content.save("admin-1", french, create=False, language="fr")  # translated again
    assert content.article("melasma", "de").stale_locales == ("de",)
    assert content.article("melasma").stale_locales == ("de",)


def test_a_video_translation_goes_stale_when_its_english_changes(
    content: ContentService,
) -> None:
    video = checked_video("spf-howto", "SPF how-to", ["spf"], 90, "How much.", "https://v.ex/a")
    content.save("admin-1", video, create=True)
    french = checked_video("spf-howto", "Le FPS", ["spf"], 90, "Combien.", "https://v.ex/a")
    content.save("admin-1", french, create=False, language="fr")
    assert content.all_videos("fr")[0].stale_locales == ()
    retitled = checked_video("spf-howto", "SPF, how", ["spf"], 90, "How much.", "https://v.ex/a")
    content.save("admin-1", retitled, create=False)
    assert content.all_videos()[0].stale_locales == ("fr",)


@pytest.mark.parametrize(
    ("language", "typed", "written"),
    [
        ("en", "spots", "spot"),
        ("en", "spotted", "spot"),
        ("fr", "taches", "tache"),
        ("fr", "rougeurs", "rougeur"),
        ("de", "Flecken", "Fleck"),
        ("de", "Pickeln", "Pickel"),
        ("de", "Rötungen", "Rötung"),
        ("de", "trockener", "trocken"),
    ],
)
def test_search_finds_a_word_typed_in_the_plural_or_inflected(
    content: ContentService, language: str, typed: str, written: str
) -> None:
    """Before, search only folded: "spots" missed the two articles that say "spot" alone, and
    "Pickeln" found 4 of the 11 German articles on Pickel."""
    as_written = content.articles(ArticleFilter(search=written), None, 100, language)
    assert as_written
    assert content.articles(ArticleFilter(search=typed), None, 100, language) == as_written


@pytest.mark.parametrize(
    ("language", "word", "stemmed"),
    [
        ("en", "wrinkles", "wrinkle"),
        ("en", "dried", "dry"),
        ("en", "drying", "dry"),
        ("en", "patches", "patch"),
        ("en", "irritated", "irritat"),
        ("en", "uses", "use"),  # not "us"
        ("en", "glass", "glass"),
        ("en", "acne", "acne"),
        ("fr", "huileuses", "huileu"),
        ("fr", "huileux", "huileu"),
        ("fr", "peaux", "peau"),
        ("fr", "irritees", "irrite"),
        ("de", "faltenfreie", "faltenfrei"),
        ("de", "rotungen", "rotung"),
        ("de", "haut", "haut"),
        ("de", "gesichts", "gesicht"),
    ],
)
def test_the_stem_drops_only_an_inflection_ending(language: str, word: str, stemmed: str) -> None:
    assert stem(word, language) == stemmed
