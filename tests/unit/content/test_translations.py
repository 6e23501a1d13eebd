"""Every seeded article and video has its French and German variant, each with the English
structure: the same headings, list items, links and bold marks, in the same order of kinds."""

from __future__ import annotations

import re

import pytest

from metskin.domain.content.loader import (
    TRANSLATED,
    article_files,
    load_articles,
    load_videos,
    parse_article,
    parse_translation,
)
from metskin.domain.content.model import Article

LINK = re.compile(r"\[[^\]]+\]\(([^)]+)\)")


def shape(markdown: str) -> dict[str, object]:
    """What a translation must keep: the block kinds in order, the links' targets, bold marks."""
    lines = [line.strip() for line in markdown.splitlines() if line.strip()]
    kinds = ["h" + line.split()[0] if line.startswith("#") else line[:2] == "- " for line in lines]
    return {
        "blocks": kinds,
        "links": LINK.findall(markdown),
        "bold": markdown.count("**"),
    }


ENGLISH = {a.slug: a for a in load_articles()}


def test_every_article_has_a_french_and_a_german_file() -> None:
    names = set(article_files())
    english = sorted(n for n in names if n.count(".") == 1)
    assert len(english) == 23
    missing = [
        f"{name[:-3]}.{lang}.md"
        for name in english
        for lang in TRANSLATED
        if f"{name[:-3]}.{lang}.md" not in names
    ]
    assert missing == []
    stray = names - set(english) - {f"{n[:-3]}.{lang}.md" for n in english for lang in TRANSLATED}
    assert stray == set()


@pytest.mark.parametrize("article", ENGLISH.values(), ids=list(ENGLISH))
def test_each_translation_keeps_the_english_structure(article: Article) -> None:
    assert article.available_locales == ("en", "de", "fr")
    for language in TRANSLATED:
        translated = article.in_language(language)
        assert translated.locale == language
        assert translated.slug == article.slug and translated.tags == article.tags
        assert translated.title and translated.title != article.title
        assert bool(translated.summary) == bool(article.summary)
        assert translated.body != article.body
        assert shape(translated.body) == shape(article.body), f"{article.slug}.{language}.md"


def test_the_shape_check_sees_a_dropped_heading_or_link() -> None:
    body = "## One\n\nText [a](/learn/x).\n\n- item\n"
    assert shape(body) != shape("## One\n\nText a.\n\n- item\n")
    assert shape(body) != shape("Text [a](/learn/x).\n\n- item\n")
    assert shape(body) == shape("## Un\n\nTexte [un](/learn/x).\n\n- élément\n")


def test_a_translated_file_must_name_its_article() -> None:
    file = article_files()["melasma.fr.md"]
    slug, text = parse_translation(file.read_text("utf-8"))
    assert slug == "melasma" and text.title.startswith("Le mélasma")
    english = parse_article(article_files()["melasma.md"].read_text("utf-8"))
    assert english.translations == {}  # the English file alone carries no translation


def test_a_missing_translation_falls_back_to_english() -> None:
    article = ENGLISH["melasma"]
    assert article.in_language("es") is article
    assert article.in_language("en") is article


def test_every_packaged_video_is_translated() -> None:
    """None is packaged now (their files never existed); one added must come translated."""
    untranslated = [
        v.slug for v in load_videos() if not set(TRANSLATED) <= set(v.available_locales)
    ]
    assert untranslated == []
