"""Plain-language tips rendered from jinja2 templates, one per concern and skin type.

English templates are `data/tips/<name>.j2`; French and German are `data/tips/<lang>/<name>.j2`
with the same conditions and the same article tags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from metskin.domain.recommendations.needs import CareProfile, SkinNeeds

TIP_MIN_SEVERITY = 30.0
MAX_CONCERN_TIPS = 4
MODERATE_FROM, MARKED_FROM = 50.0, 70.0
TIP_LANGUAGES = ("fr", "de")  # besides English


@dataclass(frozen=True)
class Tip:
    title: str
    body: str
    article_tags: tuple[str, ...]  # content articles with these tags go with the tip


def render_tips(
    needs: SkinNeeds,
    profile: CareProfile,
    *,
    templates: Path | None = None,
    language: str = "en",
) -> list[Tip]:
    environment = _environment(str(templates) if templates else None)
    folder = "" if language == "en" else f"{language}/"
    return [
        _render(environment, f"{folder}{name}", _context(needs, profile, concern))
        for name, concern in _tip_names(needs, profile)
    ]


def translated_tips(needs: SkinNeeds, profile: CareProfile) -> dict[str, list[Tip]]:
    """The same tips in each other language, in the same order."""
    return {lang: render_tips(needs, profile, language=lang) for lang in TIP_LANGUAGES}


def _tip_names(needs: SkinNeeds, profile: CareProfile) -> list[tuple[str, str | None]]:
    """Template names in the order a person should read them."""
    names: list[tuple[str, str | None]] = []
    if profile.pregnant or profile.breastfeeding:
        names.append(("pregnancy", None))
    worst = sorted(
        (c for c, s in needs.concerns.items() if s >= TIP_MIN_SEVERITY),
        key=lambda c: -needs.severity(c),
    )[:MAX_CONCERN_TIPS]
    names += [(concern, concern) for concern in worst]
    if profile.sensitive_skin and "sensitivity" not in worst:
        names.append(("sensitivity", "sensitivity"))
    names += [(f"skin_{needs.skin_type}", None), ("sun", None)]
    return names


def _context(needs: SkinNeeds, profile: CareProfile, concern: str | None) -> dict[str, Any]:
    severity = needs.severity(concern) if concern else 0.0
    return {
        "severity": severity,
        "level": _level(severity),
        "skin_type": needs.skin_type,
        "monk_tone": needs.monk_tone,
        "pih_risk": needs.pih_risk,
        "pregnant": profile.pregnant,
        "breastfeeding": profile.breastfeeding,
        "sensitive": profile.sensitive_skin,
    }


def _level(severity: float) -> str:
    if severity >= MARKED_FROM:
        return "marked"
    return "moderate" if severity >= MODERATE_FROM else "mild"


def _render(environment: Environment, name: str, context: dict[str, Any]) -> Tip:
    module = environment.get_template(f"{name}.j2").make_module(context)
    exported = module.__dict__
    lines = (re.sub(r"\s{2,}", " ", line).strip() for line in str(module).splitlines())
    return Tip(
        title=str(exported["title"]),
        body="\n".join(line for line in lines if line),
        article_tags=tuple(dict.fromkeys(exported.get("tags", ()))),
    )


@lru_cache(maxsize=4)
def _environment(folder: str | None) -> Environment:
    loader: BaseLoader = (
        FileSystemLoader(folder) if folder else PackageLoader("metskin", "data/tips")
    )
    # Plain text, not HTML: whoever shows it in a page escapes it there.
    return Environment(
        loader=loader,
        autoescape=False,
        undefined=StrictUndefined,
        lstrip_blocks=True,
    )
