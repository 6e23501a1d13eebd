"""Locales: BCP 47 parsing, the supported list, negotiation (issue 14, point 7)."""

from __future__ import annotations

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.locales import (
    check_locale,
    effective_locale,
    language_of,
    negotiate,
    parse_tag,
    supported_locales,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("en-GB", "en-GB"),
        ("fr-fr", "fr-FR"),
        ("DE-at", "de-AT"),
        ("fr", "fr-FR"),  # a bare language takes its main region
        ("de", "de-DE"),
        ("fr-Latn-CH", "fr-CH"),
        ("en-US-u-ca-gregory", "en-US"),  # extensions are BCP 47, the locale is en-US
        (" de-CH ", "de-CH"),
    ],
)
def test_a_supported_tag_is_kept_in_canonical_form(text: str, canonical: str) -> None:
    assert check_locale(text) == canonical


@pytest.mark.parametrize("text", ["zz", "xx-YY", "ja-JP", "fr-US", "de-Cyrl-DE", "en-001"])
def test_a_well_formed_tag_outside_the_list_is_refused_with_the_list(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_locale(text)
    assert refused.value.field == "locale" and refused.value.code == "VALIDATION_FAILED"
    assert "not a supported locale" in refused.value.message
    assert "fr-FR" in refused.value.message and "de-AT" in refused.value.message


@pytest.mark.parametrize(
    "text",
    ["en_GB!", "en_GB", "", "-", "e", "englishlanguage", "fr--FR", "en-GB-", "x" * 100, "12-GB"],
)
def test_a_malformed_tag_is_refused_as_not_bcp_47(text: str) -> None:
    with pytest.raises(ValidationFailed, match="not a BCP 47 language tag") as refused:
        check_locale(text)
    assert refused.value.field == "locale"


def test_non_text_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        check_locale(None)


def test_the_parser_reads_script_region_and_numeric_regions() -> None:
    tag = parse_tag("zh-hant-tw")
    assert tag is not None and (tag.language, tag.script, tag.region) == ("zh", "Hant", "TW")
    assert str(parse_tag("es-419")) == "es-419"
    assert parse_tag("en-GB-x-private") is not None
    assert parse_tag("en GB") is None


def test_every_supported_locale_is_english_french_or_german_with_a_region() -> None:
    locales = supported_locales()
    assert {"en-GB", "en-US", "fr-FR", "fr-CH", "de-DE", "de-AT"} <= set(locales)
    assert {tag.split("-")[0] for tag in locales} == {"en", "fr", "de"}
    assert all(check_locale(tag) == tag for tag in locales)


@pytest.mark.parametrize(
    ("stored", "spoken"),
    [("fr-FR", "fr-FR"), ("es-ES", "en-GB"), ("fr-BR", "fr-FR"), ("", "en-GB"), ("??", "en-GB")],
)
def test_a_stored_locale_always_speaks_something(stored: str, spoken: str) -> None:
    """Profiles saved before the list existed keep working (English when not supported)."""
    assert effective_locale(stored) == spoken


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr-CH"),
        ("es-ES, de;q=0.5, fr;q=0.4", "de-DE"),
        ("en;q=0.1, de-AT;q=0.9", "de-AT"),
        ("fr-CA", "fr-CA"),
        ("fr-BR", "fr-FR"),
        ("ja, zh;q=0.8", "en-GB"),
        ("de;q=0, fr;q=0.2", "fr-FR"),
        ("*", "en-GB"),
        ("", "en-GB"),
        (None, "en-GB"),
        ("de;q=abc, fr", "fr-FR"),
    ],
)
def test_accept_language_is_negotiated_by_quality(header: str | None, chosen: str) -> None:
    assert negotiate(header) == chosen


@pytest.mark.parametrize(
    ("locale", "language"), [("fr-CH", "fr"), ("de-AT", "de"), ("en-US", "en"), ("es-ES", "en")]
)
def test_the_language_of_a_locale(locale: str, language: str) -> None:
    assert language_of(locale) == language
