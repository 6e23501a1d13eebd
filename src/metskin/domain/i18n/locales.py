"""Locales as BCP 47 tags, the ones MetSkin speaks, and choosing one for a person.

English is the source language; French and German have catalogs (`metskin/locale/`). A tag is
parsed as BCP 47 (RFC 5646: language, script, region, variants, extensions, private use), then
matched against the supported list. A stored tag that is no longer supported still reads (as
English), so existing profiles keep working; only a change is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

DEFAULT_LOCALE = "en-GB"
# Each language, with the regions it is offered for; the first is the language's default.
SUPPORTED: dict[str, tuple[str, ...]] = {
    "en": ("GB", "US", "IE", "AU", "CA", "NZ", "ZA", "IN"),
    "fr": ("FR", "BE", "CH", "CA", "LU", "MC"),
    "de": ("DE", "AT", "CH", "LU", "LI", "BE"),
}
LANGUAGES = tuple(SUPPORTED)

_LANGTAG = re.compile(
    r"""^(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})
    (?:-(?P<script>[a-z]{4}))?
    (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
    (?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)
    (?P<extensions>(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*)
    (?:-x(?:-[a-z0-9]{1,8})+)?$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class LanguageTag:
    language: str
    script: str | None = None
    region: str | None = None

    def __str__(self) -> str:
        return "-".join(p for p in (self.language, self.script, self.region) if p)


def parse_tag(text: str) -> LanguageTag | None:
    """The tag's language, script and region in canonical case; None if not BCP 47."""
    match = _LANGTAG.match(text.strip()) if isinstance(text, str) and len(text) <= 64 else None
    if match is None:
        return None
    script = match["script"]
    return LanguageTag(
        match["language"].lower(),
        script.title() if script else None,
        match["region"].upper() if match["region"] else None,
    )


def supported_locales() -> tuple[str, ...]:
    return tuple(f"{lang}-{region}" for lang, regions in SUPPORTED.items() for region in regions)


def _supported(tag: LanguageTag) -> str | None:
    regions = SUPPORTED.get(tag.language)
    if regions is None or tag.script not in (None, "Latn"):
        return None
    if tag.region is None:
        return f"{tag.language}-{regions[0]}"
    return f"{tag.language}-{tag.region}" if tag.region in regions else None


def check_locale(value: object, field_name: str = "locale") -> str:
    """A supported locale in canonical form (`fr` -> `fr-FR`, `de-at` -> `de-AT`), or a coded
    error naming the field."""
    tag = parse_tag(value) if isinstance(value, str) else None
    shown = repr(str(value)[:20])
    if tag is None:
        not_bcp_47 = _("{value} is not a BCP 47 language tag (such as en-GB, fr-FR or de-DE).")
        raise ValidationFailed.translatable(not_bcp_47, field_name, value=shown)
    found = _supported(tag)
    if found is None:
        unsupported = _("{value} is not a supported locale; choose one of: {locales}.")
        locales = ", ".join(supported_locales())
        raise ValidationFailed.translatable(unsupported, field_name, value=shown, locales=locales)
    return found


def effective_locale(stored: str | None) -> str:
    """The locale to speak for a stored tag: itself if supported, its language's default
    region, else English."""
    tag = parse_tag(stored or "")
    if tag is None:
        return DEFAULT_LOCALE
    if tag.language in SUPPORTED and tag.script in (None, "Latn"):
        return _supported(tag) or f"{tag.language}-{SUPPORTED[tag.language][0]}"
    return DEFAULT_LOCALE


def language_of(locale: str) -> str:
    return effective_locale(locale).partition("-")[0]


def negotiate(accept_language: str | None, default: str = DEFAULT_LOCALE) -> str:
    """The best supported locale for an `Accept-Language` header (RFC 9110 quality values):
    an exact supported tag, else the language's default region; `default` if none fits."""
    ranked: list[tuple[float, int, LanguageTag]] = []
    for position, item in enumerate((accept_language or "").split(",")[:32]):
        text, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        tag = parse_tag(text)
        if tag is not None and quality > 0:
            ranked.append((-quality, position, tag))
    for _quality, _position, tag in sorted(ranked, key=lambda r: (r[0], r[1])):
        if tag.language in SUPPORTED and tag.script in (None, "Latn"):
            return _supported(tag) or f"{tag.language}-{SUPPORTED[tag.language][0]}"
    return default
