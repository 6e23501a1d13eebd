"""The saved routine's payload: the routine, its tips and their articles as plain JSON with
every sentence in each language (`serialise`), the key it is saved under (`profile_hash`),
and what changed in the line-up between two payloads."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

from metskin.domain.content.loader import by_tags
from metskin.domain.content.model import Article
from metskin.domain.i18n.said import said_json
from metskin.domain.money.model import Conversion
from metskin.domain.recommendations.grouped import exclusion_groups
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.prices import note_said
from metskin.domain.recommendations.routine_model import Candidate, Routine, Step
from metskin.domain.recommendations.safety import Exclusion
from metskin.domain.recommendations.tips import Tip

MAX_EXCLUDED_SHOWN = 40
MAX_ARTICLES_PER_TIP = 2


def lineup_change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any] | None:
    """The products added to and taken out of the routine (by time of day), None when the
    new routine uses the same products at the same times."""

    def lineup(routine: dict[str, Any]) -> set[str]:
        return {f"{time}:{step['product_id']}" for time in ("am", "pm") for step in routine[time]}

    first, second = lineup(before), lineup(after)
    if first == second:
        return None
    return {"added": sorted(second - first), "removed": sorted(first - second)}


def said(**lines: Sequence[str]) -> dict[str, list[Any]]:
    """Each line as its template and values (`said_json`), to speak it in any language."""
    return {name: [said_json(line) for line in found] for name, found in lines.items()}


def plain_record(raw: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready copy (Decimals as strings)."""
    return json.loads(json.dumps(raw, default=str))


# Read from the rest of the payload, so not in its key: a routine saved before they were kept
# its key (and stays the person's routine, with its check-in count) when they came.
DERIVED = frozenset({"excluded_groups"})


def profile_hash(needs: SkinNeeds, profile: CareProfile, payload: dict[str, Any]) -> str:
    keyed = {name: value for name, value in payload.items() if name not in DERIVED}
    material = json.dumps(
        [_fields_of(needs), _care_fields(profile), keyed], default=str, sort_keys=True
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _care_fields(profile: CareProfile) -> Any:
    """The profile's fields; `prescribed` (added 2026-12-06) only when the person has some, so
    that every routine saved before it keeps its key (a new key is a new current routine)."""
    found = _fields_of(profile)
    if not profile.prescribed:
        del found["prescribed"]
    return found


def _fields_of(value: Any) -> Any:
    """`asdict(value)` as JSON writes it (a tuple as a list), without its deep copies of the
    leaves (the profile's rates table of ~30 quotes: 0.07 ms against 0.2)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _fields_of(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {key: _fields_of(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_fields_of(item) for item in value]
    return value


def serialise(
    routine: Routine,
    tips: list[Tip],
    articles: Sequence[Article] = (),
    translated: Mapping[str, list[Tip]] | None = None,
) -> dict[str, Any]:
    return {
        "currency": routine.currency,
        "total_price": str(routine.total_price.amount),
        "total_note": "; ".join(routine.price_notes),
        "said_total_note": said(parts=routine.price_notes)["parts"],
        "am": [_step(step) for step in routine.am],
        "pm": [_step(step) for step in routine.pm],
        "alternatives": {
            slot: [_candidate(c, routine.alternative_prices.get(c.product.id)) for c in candidates]
            for slot, candidates in routine.alternatives.items()
        },
        "warnings": list(routine.warnings),
        "said": said(warnings=routine.warnings),
        "excluded": [_excluded(e) for e in routine.excluded[:MAX_EXCLUDED_SHOWN]],
        # One line per reason: ~30 products left out for an allergy no longer hide the others.
        "excluded_groups": [
            {
                "rule_id": group.rule_id,
                "reason": group.reason,
                "said": said(reason=[group.reason]),
                "count": len(group.exclusions),
                "products": [_excluded(e) for e in group.exclusions[:MAX_EXCLUDED_SHOWN]],
            }
            for group in exclusion_groups(routine.excluded)[:MAX_EXCLUDED_SHOWN]
        ],
        "tips": _tips(tips, articles),
        # The tips in French and German, in the same order (read in the request's language).
        "tips_translated": {
            lang: _tips(same, _tagged_in(lang, articles, same))
            for lang, same in (translated or {}).items()
        },
    }


def _excluded(exclusion: Exclusion) -> dict[str, Any]:
    return {
        "product_id": exclusion.product.id,
        "name": f"{exclusion.product.brand} {exclusion.product.name}",
        "rule_id": exclusion.rule_id,
        "reason": exclusion.reason,
        "said": said(reason=[exclusion.reason]),
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "slot": step.slot,
        "time": step.time,
        "product_id": step.product.id,
        "how_much": step.how_much,
        "frequency": step.frequency,
        "introduce": list(step.introduce),
        "why": list(step.why),
        "warnings": list(step.warnings),
        "said": said(why=step.why),
        **_price(step.price),
    }


def _price(conversion: Conversion) -> dict[str, Any]:
    return {
        "price": {"amount": str(conversion.price.amount), "currency": conversion.price.currency},
        "price_note": conversion.note(),
        "said_price_note": said_json(note_said(conversion)),
    }


def _candidate(candidate: Candidate, price: Conversion | None) -> dict[str, Any]:
    return {
        "product_id": candidate.product.id,
        "score": round(candidate.score, 4),
        "why": list(candidate.content.reasons),
        "said": said(why=candidate.content.reasons),
        **(_price(price) if price else {}),
    }


def _tagged_in(language: str, articles: Sequence[Article], tips: list[Tip]) -> list[Article]:
    """The articles sharing a tag with any of the tips, in `language`: translated once for
    all the tips (an article sharing no tag is in no tip's `by_tags`, in any language)."""
    wanted = {tag.lower() for tip in tips for tag in tip.article_tags}
    return [a.in_language(language) for a in articles if wanted & set(a.tags)]


def _tips(tips: list[Tip], catalog: Sequence[Article]) -> list[dict[str, Any]]:
    return [_tip(tip, catalog) for tip in tips]


def _tip(tip: Tip, catalog: Sequence[Article]) -> dict[str, Any]:
    articles = by_tags(catalog, tip.article_tags)[:MAX_ARTICLES_PER_TIP]
    return {
        "title": tip.title,
        "body": tip.body,
        "tags": list(tip.article_tags),
        "articles": [{"slug": a.slug, "title": a.title} for a in articles],
    }
