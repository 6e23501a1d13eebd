"""Educational content: loading, tag lookup, the markdown subset and the article page."""

from __future__ import annotations

import math
import re
from importlib import resources

import pytest

from metskin.domain.content import (
    article,
    articles_for_tags,
    load_articles,
    load_videos,
    render_article,
    render_index,
    render_missing,
    videos_for_tags,
)
from metskin.domain.content.loader import parse_article
from metskin.domain.content.markdown import to_html
from metskin.domain.content.model import Article, Video
from metskin.domain.errors import ValidationFailed

TOPICS = {"spf", "retinoids", "acne", "patch-test", "when-to-see-a-dermatologist"}
WORDS_PER_MINUTE = 200


def test_at_least_twenty_articles_with_tags_and_unique_slugs() -> None:
    articles = load_articles()
    assert len(articles) >= 20
    assert len({a.slug for a in articles}) == len(articles)
    for item in articles:
        assert item.tags, item.slug
        assert all(re.fullmatch(r"[a-z0-9-]+", tag) for tag in item.tags), item.slug
        assert item.title and item.summary and item.body.strip()


def test_required_topics_are_covered() -> None:
    covered = {tag for a in load_articles() for tag in a.tags}
    assert covered >= TOPICS


def test_reading_minutes_match_the_length() -> None:
    for item in load_articles():
        estimate = math.ceil(len(item.body.split()) / WORDS_PER_MINUTE)
        assert abs(item.reading_minutes - estimate) <= 2, item.slug


def test_article_files_are_named_after_their_slug() -> None:
    folder = resources.files("metskin").joinpath("data/content/articles")
    names = {f.name.removesuffix(".md") for f in folder.iterdir() if f.name.endswith(".md")}
    english = {name for name in names if "." not in name}  # <slug>.fr.md: its translation
    assert english == {a.slug for a in load_articles()}


def test_no_packaged_video_points_at_a_missing_file() -> None:
    """The six packaged entries named files that never existed: they are gone. Editors add
    videos with an https address where they play (createVideo)."""
    assert load_videos() == ()


def test_articles_for_tags_rank_what_they_are_about_first() -> None:
    found = articles_for_tags(["acne", "azelaic-acid"])
    assert {a.slug for a in found[:2]} == {"acne-basics", "azelaic-acid"}  # about acne, azelaic
    assert all({"acne", "azelaic-acid"} & set(a.tags) for a in found)
    assert articles_for_tags(["SPF"]) == articles_for_tags(["spf"])
    # A tip on sunscreen: the article on sunscreen, then the routine that mentions it (by the
    # count of shared tags alone the routine came first, for this tip and the routine's tip).
    sun = [a.slug for a in articles_for_tags(["spf", "all-skin-types", "routine"])]
    assert sun[:2] == ["spf-basics", "building-a-simple-routine"]
    routine = [a.slug for a in articles_for_tags(["routine", "all-skin-types", "spf"])]
    assert routine[0] == "building-a-simple-routine"
    # Caring for oily skin's related articles: niacinamide (which helps shine) comes first.
    oily = article("caring-for-oily-skin")
    assert oily is not None
    related = [a.slug for a in articles_for_tags(oily.tags) if a.slug != oily.slug]
    assert related[0] == "niacinamide"
    assert articles_for_tags(["not-a-tag"]) == []
    assert videos_for_tags(["moles"]) == []


def test_front_matter_parsing_and_errors() -> None:
    parsed = parse_article(
        "---\nslug: x\ntitle: A: B\ntags: [One, two]\nreading_minutes: 2\n---\nBody text.\n"
    )
    assert (parsed.slug, parsed.title, parsed.tags, parsed.body) == (
        "x",
        "A: B",
        ("one", "two"),
        "Body text.\n",
    )
    with pytest.raises(ValidationFailed):
        parse_article("no front matter")
    with pytest.raises(ValidationFailed):
        parse_article("---\nslug: x\ntitle: t\ntags: []\nreading_minutes: 1\n---\n")
    with pytest.raises(ValidationFailed):
        parse_article("---\nslug: x\ntitle: t\ntags: [a]\nreading_minutes: soon\n---\n")


def test_markdown_subset_escapes_html() -> None:
    html = to_html(
        "## Hello <b>\n\n- **one** & two\n- three\n\nA <script>x</script> line\ncontinues."
    )
    assert html == (
        "<h2>Hello &lt;b&gt;</h2>\n<ul><li><strong>one</strong> &amp; two</li>"
        "<li>three</li></ul>\n<p>A &lt;script&gt;x&lt;/script&gt; line continues.</p>"
    )


def test_article_page_renders_body_related_and_disclaimer() -> None:
    item = article("checking-your-moles")
    assert item is not None
    related = [a for a in articles_for_tags(item.tags) if a.slug != item.slug][:3]
    video = Video("abcde", "ABCDE", ("moles",), 60, "How to check.", "https://v.example/abcde")
    page = render_article(item, related, [video])
    assert "<h1>Checking your moles - the ABCDE guide</h1>" in page
    assert "<strong>E</strong>volving" in page
    assert "not medical advice or a diagnosis" in page
    assert 'href="/learn/when-to-see-a-dermatologist"' in page
    assert 'href="https://v.example/abcde"' in page
    assert 'href="/learn/checking-your-moles"' not in page


def test_learn_pages_look_like_the_app_and_show_no_tag_codes() -> None:
    """The /learn pages had no stylesheet (browser defaults at 375 px), listed an article's
    tags as codes ("oily-skin", "salicylic-acid"), sorted the index by slug, listed no video,
    and an unknown address was a bare heading."""
    item = article("caring-for-oily-skin")
    assert item is not None
    page = render_article(item, [], [])
    assert 'href="/static/style.css"' in page and '<a class="brand" href="/">MetSkin</a>' in page
    assert "salicylic-acid" not in page and "oily-skin" not in page
    video = Video(
        "wash", "Washing your face", ("routine",), 95, "Twice a day.", "https://v.example/w"
    )
    index = render_index(list(load_articles()), videos=[video])
    assert 'href="/static/style.css"' in index
    assert "<h2>Videos</h2>" in index and 'href="https://v.example/w"' in index
    assert 'Washing your face</a> <span class="muted">(2 min)</span>' in index
    titles = re.findall(r'<li class="card">\s*<a href="/learn/[^"]+" lang="en">([^<]+)</a>', index)
    assert len(titles) == len(load_articles()) and titles == sorted(titles, key=str.casefold)
    missing = render_missing()
    assert "<h1>Article not found</h1>" in missing and 'href="/learn"' in missing


def test_article_page_escapes_titles() -> None:
    hostile = Article("x", "<img src=x onerror=alert(1)>", ("spf",), 1, "s", "Body")
    page = render_article(hostile, [], [])
    assert "<img" not in page and "&lt;img" in page
