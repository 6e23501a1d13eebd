"""Render an article page with jinja2 (autoescaped). No web framework involved."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from metskin.domain.content.markdown import to_html
from metskin.domain.content.model import Article, Video, searchable
from metskin.domain.i18n.jinja import i18n_environment, speaking
from metskin.domain.i18n.locales import language_of
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH

# Each article and video carries its own language (`locale`): the page's translation where it
# has one, else English; the page marks each with `lang`.


def content_environment() -> Environment:
    return i18n_environment(
        PackageLoader("metskin.domain.content", "templates"), select_autoescape(["html", "j2"])
    )


_ENVIRONMENTS: dict[tuple[type, str], Environment] = {}


def _environment(tr: Translator) -> Environment:
    """The page chrome in the translator's language (one environment per kind and locale)."""
    key = (type(tr), tr.locale)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = speaking(content_environment(), tr)
    return _ENVIRONMENTS[key]


def render_article(
    article: Article,
    related: list[Article],
    videos: list[Video],
    *,
    tr: Translator = ENGLISH,
    article_base: str = "/learn",
    keep_locale: bool = False,
) -> str:
    body = to_html(article.body)
    values = {"article": article, "body": body, "related": related, "videos": videos[:2]}
    return _render("article.html.j2", tr, article_base, values, keep_locale)


def render_index(
    articles: list[Article],
    *,
    search: str = "",
    videos: list[Video] | None = None,
    tr: Translator = ENGLISH,
    article_base: str = "/learn",
    keep_locale: bool = False,
) -> str:
    """The `/learn` page: every article (or those matching `search`) by title as the reader
    reads it (the slugs are English), with a search box, and `videos` under them."""
    by_title = sorted(articles, key=lambda article: searchable(article.title))
    values: dict[str, object] = {"articles": by_title, "search": search, "videos": videos or []}
    return _render("index.html.j2", tr, article_base, values, keep_locale)


def render_missing(
    *, tr: Translator = ENGLISH, article_base: str = "/learn", keep_locale: bool = False
) -> str:
    """The page of an address no article has (sent with 404), leading back to the index."""
    return _render("missing.html.j2", tr, article_base, {}, keep_locale)


def _render(
    name: str, tr: Translator, article_base: str, values: dict[str, object], keep_locale: bool
) -> str:
    """A page in `tr`'s language; the articles in theirs (`lang` on each). `keep_locale`: the
    page was asked for in a language (`?locale=`), and its links to other articles ask too."""
    kept = tr.locale if keep_locale else ""
    return (
        _environment(tr)
        .get_template(name)
        .render(
            lang=language_of(tr.locale),
            article_base=article_base,
            kept_locale=kept,
            locale_query=f"?locale={kept}" if kept else "",
            **values,
        )
    )


def render_video(
    video: Video,
    *,
    tr: Translator = ENGLISH,
    article_base: str = "/learn",
    keep_locale: bool = False,
) -> str:
    """A video's page: its description, where it plays, and its transcript."""
    return _render("video.html.j2", tr, article_base, {"video": video}, keep_locale)
