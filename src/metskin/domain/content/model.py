"""Educational content: articles and videos, tagged by concern, skin type, ingredient and topic.

The packaged files are the first edition; editors' changes (`ContentEdit`, kept in the store)
replace or hide a packaged item of the same slug, and every change is logged (`EditorChange`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Self

from metskin.domain.content.stemming import stem
from metskin.domain.i18n.letters import fold

# Which tags speak to each concern and skin type the analysis reports (accounts.model names).
CONCERN_TAGS: dict[str, frozenset[str]] = {
    "acne": frozenset({"acne", "benzoyl-peroxide", "salicylic-acid"}),
    "wrinkles": frozenset({"ageing", "retinoids"}),
    "pigmentation": frozenset({"pigmentation", "melasma", "darker-skin"}),
    "redness": frozenset({"redness", "rosacea"}),
    "pores": frozenset({"oiliness", "salicylic-acid"}),
    "dark_circles": frozenset({"dark-circles"}),
    "shine": frozenset({"oiliness", "oily-skin"}),
    "dryness": frozenset({"dryness", "dry-skin", "ceramides"}),
    "sensitivity": frozenset({"sensitivity", "sensitive-skin", "patch-test"}),
}
EVERY_SKIN_TYPE = "all-skin-types"
SKIN_TYPE_TAGS: dict[str, frozenset[str]] = {
    "oily": frozenset({"oily-skin", "oiliness"}),
    "dry": frozenset({"dry-skin", "dryness"}),
    "combination": frozenset({"oiliness", "dryness"}),
    "normal": frozenset(),
}


@dataclass(frozen=True)
class ContentItem:
    """What every piece of content has: its address, its title and what it is about."""

    slug: str
    title: str
    tags: tuple[str, ...]

    @property
    def concerns(self) -> tuple[str, ...]:
        return tuple(c for c, tags in CONCERN_TAGS.items() if tags & set(self.tags))

    @property
    def skin_types(self) -> tuple[str, ...]:
        everyone = EVERY_SKIN_TYPE in self.tags
        return tuple(
            kind for kind, tags in SKIN_TYPE_TAGS.items() if everyone or tags & set(self.tags)
        )


def tag_weight(place: int) -> float:
    """How central a tag is at `place` (0 first) in tags written most central first, as an
    article's, a video's and a tip's are: 1, 1/2, 1/3... (the one weighting of `by_tags` and
    `ArticleFilter.relevance`)."""
    return 1 / (1 + place)


SOURCE_LANGUAGE = "en"  # what every item is first written in; a translation falls back to it


@dataclass(frozen=True)
class ArticleText:
    """An article's words in one language (slug, tags and reading time are shared)."""

    title: str
    summary: str
    body: str  # markdown, the same headings and links as the English


@dataclass(frozen=True)
class VideoText:
    title: str
    description: str
    transcript: str = ""  # plain text: what is said and shown, for who cannot hear it


# Words added after digests were kept: they count in the digest only when written, so that
# translations made before they existed stay current.
ADDED_WORDS = frozenset({"transcript"})


class Translatable:
    """An item in English with its translations; `in_language` gives it in another one.

    `translated_from` remembers, per language, a digest of the English each translation was
    made from (under "en", in a translated view, the English's own): a translation whose digest
    is not the English's is older than it (`stale_locales`)."""

    locale: str
    translations: Mapping[str, ArticleText | VideoText]
    translated_from: Mapping[str, str]

    def text(self) -> ArticleText | VideoText:
        raise NotImplementedError

    @property
    def available_locales(self) -> tuple[str, ...]:
        return (SOURCE_LANGUAGE, *sorted(set(self.translations) - {SOURCE_LANGUAGE}))

    @property
    def stale_locales(self) -> tuple[str, ...]:
        """The languages whose translation was saved before the English last changed."""
        english = self._english_digest()
        return tuple(
            language
            for language in sorted(self.translations)
            if self.translated_from.get(language) not in (None, english)
        )

    def in_language(self, language: str) -> Self:
        """The item in `language` if it has that translation, else as it is (English)."""
        text = self.translations.get(language)
        if text is None or language == self.locale:
            return self
        english = {**self.translated_from, SOURCE_LANGUAGE: self._english_digest()}
        return replace(self, locale=language, translated_from=english, **vars(text))  # type: ignore[type-var]

    def keeping_translations_of(self, earlier: Translatable) -> Self:
        """This (English) item with the translations of its earlier version (one saved before
        digests were kept counts as made from that earlier English)."""
        before = earlier._english_digest()
        made_from = {
            lang: earlier.translated_from.get(lang, before) for lang in earlier.translations
        }
        return replace(self, translations=dict(earlier.translations), translated_from=made_from)  # type: ignore[type-var]

    def translated(self, language: str, text: ArticleText | VideoText) -> Self:
        """This (English) item with one translation added or replaced, made from its English."""
        made_from = {**self.translated_from, language: self._english_digest()}
        translations = {**self.translations, language: text}
        return replace(self, translations=translations, translated_from=made_from)  # type: ignore[type-var]

    def _english_digest(self) -> str:
        if self.locale != SOURCE_LANGUAGE:
            return self.translated_from.get(SOURCE_LANGUAGE, "")
        words = "\x1f".join(
            str(value)
            for name, value in vars(self.text()).items()
            if value or name not in ADDED_WORDS
        )
        return hashlib.sha256(words.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Article(ContentItem, Translatable):
    reading_minutes: int
    summary: str
    body: str  # markdown
    locale: str = SOURCE_LANGUAGE  # the language title, summary and body are in
    translations: Mapping[str, ArticleText] = field(default_factory=dict, hash=False)
    translated_from: Mapping[str, str] = field(default_factory=dict, hash=False)
    published: bool = True  # False: a draft, shown to its editors only (every language)

    def text(self) -> ArticleText:
        return ArticleText(self.title, self.summary, self.body)


@dataclass(frozen=True)
class Video(ContentItem, Translatable):
    duration_seconds: int
    description: str
    url: str  # an https address where the video plays
    locale: str = SOURCE_LANGUAGE
    translations: Mapping[str, VideoText] = field(default_factory=dict, hash=False)
    translated_from: Mapping[str, str] = field(default_factory=dict, hash=False)
    published: bool = True
    transcript: str = ""  # plain text, paragraphs between blank lines
    transcript_locale: str = ""  # the transcript's language when not `locale`'s (English)

    def text(self) -> VideoText:
        return VideoText(self.title, self.description, self.transcript)

    def in_language(self, language: str) -> Self:
        """As `Translatable.in_language`; a translation without a transcript keeps the
        English one (`transcript_locale` says so): better read in English than not at all."""
        shown = super().in_language(language)
        if shown is not self and not shown.transcript and self.transcript:
            return replace(shown, transcript=self.transcript, transcript_locale=self.locale)
        return shown

    @property
    def transcript_language(self) -> str:
        return self.transcript_locale or self.locale


class ContentKind(StrEnum):
    ARTICLE = "article"
    VIDEO = "video"
    DERMATOLOGIST = "dermatologist"
    ACCOUNT = "account"  # an administrator's change to an account (domain/accounts/support.py)


@dataclass(frozen=True)
class ContentEdit:
    """An editor's version of one article or video; `item` None: deleted."""

    kind: ContentKind
    slug: str
    item: Article | Video | None
    edited_at: datetime
    edited_by: str


@dataclass(frozen=True)
class EditorChange:
    """One entry of the editors' log: who changed what, when."""

    at: datetime
    actor_id: str
    action: str  # created, updated, published, unpublished, deleted
    kind: ContentKind
    target: str  # a slug, or a dermatologist's id
    summary: str
    id: int | None = None


def searchable(text: str) -> str:
    """`text` as a search compares it: case, accents and ligatures dropped, and the German
    umlauts' typed forms read as the letter ("eczema" finds "eczéma", "Roetung" and "rotung"
    find "Rötung", "oeil" finds "œil"). Both sides go through it, so a word stays itself."""
    return fold(text).replace("ae", "a").replace("oe", "o").replace("ue", "u")


@dataclass(frozen=True)
class ArticleFilter:
    """Every given value must match; `search` words may appear anywhere in the article, each
    without its plural or inflection ending in the article's language (`stemming.stem`)."""

    search: str = ""
    tag: str | None = None
    concern: str | None = None
    skin_type: str | None = None

    def matches(self, article: Article) -> bool:
        words = [stem(word, article.locale) for word in searchable(self.search).split()]
        text = searchable(
            f"{article.title} {article.summary} {' '.join(article.tags)} {article.body}"
        )
        return (
            (self.tag is None or self.tag.lower() in article.tags)
            and (self.concern is None or self.concern in article.concerns)
            and (self.skin_type is None or self.skin_type in article.skin_types)
            and all(word in text for word in words)
        )

    def about(self) -> frozenset[str]:
        """The tags this filter is about: its tag, its concern's and its skin type's."""
        tags = {self.tag.lower()} if self.tag else set()
        tags |= CONCERN_TAGS.get(self.concern or "", frozenset())
        return frozenset(tags | SKIN_TYPE_TAGS.get(self.skin_type or "", frozenset()))

    def relevance(self, article: Article) -> float:
        """How much `article` is about what this filter asks for: each of its tags the filter
        is about counts as central as it is placed (`tag_weight`: an article on oily skin
        before one on acne that mentions oily skin). 0 for a filter about no tag (words alone,
        or nothing)."""
        about = self.about()
        return sum(tag_weight(place) for place, tag in enumerate(article.tags) if tag in about)

    def normalised(self) -> ArticleFilter:
        """The filter as it matches: the search's words in lower case (`casefold`), each once,
        in order, the tag in lower case. It matches the articles this one matches."""
        words = " ".join(sorted(set(self.search.casefold().split())))
        return replace(self, search=words, tag=None if self.tag is None else self.tag.lower())
