"""Render an article page with jinja2 (autoescaped). No web framework involved."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from metskin.domain.content.loader import by_tags, load_articles, load_videos
from metskin.domain.content.markdown import to_html
from metskin.domain.content.model import Article

RELATED_LIMIT = 3


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("metskin.domain.content", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def related_articles(article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    others = [a for a in load_articles() if a.slug != article.slug]
    return by_tags(others, article.tags)[:limit]


def render_article(article: Article, *, lang: str = "en", article_base: str = "/learn") -> str:
    template = _environment().get_template("article.html.j2")
    return template.render(
        article=article,
        body=to_html(article.body),
        lang=lang,
        article_base=article_base,
        related=related_articles(article),
        videos=by_tags(load_videos(), article.tags)[:2],
    )
