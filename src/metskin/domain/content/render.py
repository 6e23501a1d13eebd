"""Render an article page with jinja2 (autoescaped). No web framework involved."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from metskin.domain.content.markdown import to_html
from metskin.domain.content.model import Article, Video


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("metskin.domain.content", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_article(
    article: Article,
    related: list[Article],
    videos: list[Video],
    *,
    lang: str = "en",
    article_base: str = "/learn",
) -> str:
    template = _environment().get_template("article.html.j2")
    return template.render(
        article=article,
        body=to_html(article.body),
        lang=lang,
        article_base=article_base,
        related=related,
        videos=videos[:2],
    )


def render_index(
    articles: list[Article], *, search: str = "", lang: str = "en", article_base: str = "/learn"
) -> str:
    """The `/learn` page: every article (or those matching `search`), with a search box."""
    template = _environment().get_template("index.html.j2")
    return template.render(articles=articles, search=search, lang=lang, article_base=article_base)
