"""Products' usage texts in French and German.

The catalog's usage texts (how much, how often, how to start, warnings) are a small set of
phrases shared by many products, so they are translated once each in
`data/catalog/usage_translations.json`, keyed by the English text; product and brand names are
never translated. A text without a translation stays in English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metskin.domain.recommendations.catalog import Usage

TRANSLATIONS_FILE = "usage_translations.json"


@cache
def usage_phrases() -> Mapping[str, Mapping[str, str]]:
    """English text -> {language: text}."""
    folder = resources.files("metskin").joinpath("data", "catalog")
    return json.loads(folder.joinpath(TRANSLATIONS_FILE).read_text("utf-8"))["phrases"]


def usage_line(text: str, language: str) -> str:
    """One usage text in `language`, else as written."""
    return usage_phrases().get(text, {}).get(language, text)


def usage_in(usage: Usage, language: str) -> Usage:
    """A product's usage with its texts in `language` (English: unchanged)."""
    if language == "en":
        return usage
    return replace(
        usage,
        how_much=usage_line(usage.how_much, language),
        frequency=usage_line(usage.frequency, language),
        how_to_introduce=usage_line(usage.how_to_introduce, language),
        warnings=tuple(usage_line(w, language) for w in usage.warnings),
    )
