"""The websocket's close reasons: each fits a close frame in every language, and a longer
text is cut on a character, never inside one."""

from __future__ import annotations

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.graphql.ws_refusals import (
    API_KEY,
    MAX_REASON_BYTES,
    PATTERNS,
    REASONS,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    fit,
)

WORDS = [*REASONS.values(), *(words for _code, _pattern, words in PATTERNS)]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_every_close_reason_fits_a_close_frame_whole(language: str) -> None:
    tr = BabelTranslations().translator(language)
    for words in [*WORDS, TOKEN_INVALID, TOKEN_EXPIRED, API_KEY]:
        said = tr.gettext(words)
        assert len(said.encode()) <= MAX_REASON_BYTES, said
        assert language == "en" or said != words, f"untranslated in {language}: {words}"


def test_a_longer_reason_is_cut_on_a_character_with_an_ellipsis() -> None:
    text = "é" * 100
    cut = fit(text)
    assert len(cut.encode()) <= MAX_REASON_BYTES and cut.endswith("…")
    assert cut[:-1] == "é" * len(cut[:-1])
    assert fit("short") == "short"
