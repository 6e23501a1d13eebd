"""The content component: educational articles and videos, and the article page renderer."""

from metskin.domain.content.loader import (
    article,
    articles_for_tags,
    load_articles,
    load_videos,
    videos_for_tags,
)
from metskin.domain.content.model import Article, Video
from metskin.domain.content.render import render_article, render_index, render_missing

__all__ = [
    "Article",
    "Video",
    "article",
    "articles_for_tags",
    "load_articles",
    "load_videos",
    "render_article",
    "render_index",
    "render_missing",
    "videos_for_tags",
]
