"""Builds an AM/PM routine: one product per slot, safe together, explained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.ports import Ranker
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.safety import (
    Exclusion,
    allowed_times,
    conflict_between,
    exclusion_for,
    needed_slots,
    rule_of_kind,
)
from metskin.domain.recommendations.scoring import ScoredProduct, score_product
from metskin.domain.recommendations.vocabulary import AM, PM, SLOTS, TIMES

ESSENTIAL_SLOTS = ("sunscreen", "moisturiser", "cleanser")  # always in, chosen last
TWICE_DAILY_SLOTS = ("cleanser", "moisturiser")  # need one product for AM and PM
ALTERNATIVES_PER_SLOT = 3
REPEAT_ACTIVE_PENALTY = 0.3  # per active class the routine already has: avoids over-treating
ACTIVE_CLASSES = frozenset(
    {
        "retinoid",
        "aha",
        "bha",
        "pha",
        "benzoyl_peroxide",
        "hydroquinone",
        "azelaic_acid",
        "vitamin_c",
        "sulfur",
        "essential_oil",
    }
)
PATCH_TEST = (
    "Patch test first: put a little on the side of your neck or behind the ear once a day "
    "for 3 days, and skip the product if it itches, burns or turns red."
)
ONE_AT_A_TIME = (
    "Start one new active at a time, about two weeks apart, so you can tell what your "
    "skin reacts to."
)
PREGNANCY_NOTE = (
    "We left out ingredients that are not advised in pregnancy or breastfeeding. "
    "Check any new product with your doctor or midwife."
)


@dataclass(frozen=True)
class TreatmentNeed:
    """A treatment slot is added when one of its concerns is at least this severe."""

    slot: str
    concerns: tuple[str, ...]
    min_severity: float
    sensitive_min_severity: float | None = None  # stricter for sensitive skin


TREATMENT_NEEDS = (
    TreatmentNeed(
        "serum",
        ("acne", "wrinkles", "pigmentation", "redness", "pores", "shine", "dryness"),
        25,
    ),
    TreatmentNeed("spot_treatment", ("acne",), 40, 60),
    TreatmentNeed("exfoliant", ("acne", "pores", "shine", "pigmentation", "wrinkles"), 45, 75),
    TreatmentNeed("toner", ("shine", "pores", "redness", "dryness"), 40),
    TreatmentNeed("eye_care", ("dark_circles",), 30),
    TreatmentNeed("mask", ("shine", "dryness", "pores"), 60),
)

# Severe scores that a routine alone should not be trusted with.
SEE_A_DOCTOR = {
    "acne": (
        75,
        "Your acne score is high: a dermatologist can offer prescription options "
        "that work faster and help prevent scarring.",
    ),
    "pigmentation": (
        80,
        "Widespread dark patches can be melasma; a dermatologist can confirm "
        "it and guide treatment.",
    ),
    "redness": (
        75,
        "Persistent strong redness can be rosacea; a doctor can confirm it and "
        "prescribe treatment.",
    ),
}


@dataclass(frozen=True)
class Candidate:
    product: Product
    score: float  # after the ranker, if any
    content: ScoredProduct


@dataclass(frozen=True)
class Step:
    slot: str
    time: str  # "AM" | "PM"
    product: Product
    how_much: str
    frequency: str
    introduce: tuple[str, ...]  # frequency ramp, patch test advice
    why: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Routine:
    am: tuple[Step, ...]
    pm: tuple[Step, ...]
    alternatives: Mapping[str, tuple[Candidate, ...]]  # slot -> up to 3
    warnings: tuple[str, ...]
    excluded: tuple[Exclusion, ...]
    total_price: Decimal
    currency: str

    @property
    def products(self) -> tuple[Product, ...]:
        seen: dict[str, Product] = {}
        for step in (*self.am, *self.pm):
            seen.setdefault(step.product.id, step.product)
        return tuple(seen.values())


@dataclass
class _Pick:
    slot: str
    candidate: Candidate
    times: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Builder:
    needs: SkinNeeds
    profile: CareProfile
    rules: tuple[SafetyRule, ...]
    candidates: dict[str, list[Candidate]]
    excluded: dict[str, Exclusion]
    picks: dict[str, _Pick] = field(default_factory=dict)

    def spent(self, without: str | None = None) -> Decimal:
        return sum(
            (p.candidate.product.price for s, p in self.picks.items() if s != without),
            Decimal(0),
        )

    def exclude(self, exclusion: Exclusion) -> None:
        self.excluded.setdefault(exclusion.product.id, exclusion)


def build_routine(
    needs: SkinNeeds, profile: CareProfile, catalog: Catalog, *, ranker: Ranker | None = None
) -> Routine:
    builder = _start(needs, profile, catalog, ranker)
    for slot in _slot_order(builder):
        pick = _choose(builder, slot)
        if pick is not None:
            builder.picks[slot] = pick
    _enforce_required_slots(builder)
    return _finish(builder)


def _start(
    needs: SkinNeeds, profile: CareProfile, catalog: Catalog, ranker: Ranker | None
) -> _Builder:
    candidates: dict[str, list[Candidate]] = {slot: [] for slot in SLOTS}
    excluded: dict[str, Exclusion] = {}
    for product in catalog.products:
        exclusion = exclusion_for(product, profile, catalog.rules)
        if exclusion is not None:
            excluded[product.id] = exclusion
            continue
        content = score_product(product, needs, profile)
        score = ranker(product, needs, profile, content) if ranker else content.score
        candidates[product.slot].append(Candidate(product, score, content))
    for ranked in candidates.values():
        ranked.sort(key=lambda c: (-c.score, c.product.price, c.product.id))
    return _Builder(needs, profile, catalog.rules, candidates, excluded)


def _slot_order(builder: _Builder) -> list[str]:
    """Wanted treatments, strongest match first, then the essentials.

    Treatments go first so that cleanser and moisturiser are picked to suit them;
    the budget for the essentials is held back while treatments are chosen.
    """
    wanted = [need.slot for need in TREATMENT_NEEDS if _is_needed(need, builder)]
    wanted.sort(key=lambda slot: -_best_score(builder, slot))
    return [*wanted, *ESSENTIAL_SLOTS]


def _is_needed(need: TreatmentNeed, builder: _Builder) -> bool:
    limit = need.min_severity
    if builder.profile.sensitive_skin and need.sensitive_min_severity is not None:
        limit = need.sensitive_min_severity
    return any(builder.needs.severity(c) >= limit for c in need.concerns)


def _best_score(builder: _Builder, slot: str) -> float:
    return max((c.score for c in builder.candidates[slot]), default=0.0)


def _choose(builder: _Builder, slot: str) -> _Pick | None:
    for candidate in _eligible(builder, slot):
        fit = _fit(builder, slot, candidate)
        if isinstance(fit, _Pick):
            return fit
        builder.exclude(fit)
    return None


def _eligible(builder: _Builder, slot: str) -> list[Candidate]:
    ranked = builder.candidates[slot]
    if slot in TWICE_DAILY_SLOTS:
        ranked = [c for c in ranked if set(c.product.usage.times) == set(TIMES)]
    if slot not in ESSENTIAL_SLOTS:  # a treatment must treat a measured concern
        ranked = [c for c in ranked if c.content.concern_score > 0]
    return sorted(ranked, key=lambda c: -(c.score - _repeat_penalty(builder, slot, c.product)))


def _repeat_penalty(builder: _Builder, slot: str, product: Product) -> float:
    """Prefer products that add a new kind of active over a second acid or retinoid."""
    taken = frozenset().union(
        *(p.candidate.product.classes for s, p in builder.picks.items() if s != slot)
    )
    return REPEAT_ACTIVE_PENALTY * len(product.classes & ACTIVE_CLASSES & taken)


def _fit(builder: _Builder, slot: str, candidate: Candidate) -> _Pick | Exclusion:
    product = candidate.product
    over_budget = _over_total_budget(builder, slot, product)
    if over_budget is not None:
        return over_budget
    times, timing_rules = allowed_times(product, builder.rules)
    notes = [
        rule.explain(product=product.display_name)
        for rule in timing_rules
        if set(times) != set(product.usage.times)
    ]
    blocked = _blocked_times(builder, slot, product, times)
    kept = tuple(t for t in times if t not in blocked)
    if blocked:
        rule, other = next(iter(blocked.values()))
        reason = rule.explain(product=product.display_name, other=other.display_name)
        if slot in ESSENTIAL_SLOTS or not kept:
            return Exclusion(product, rule.id, reason)
        notes.append(f"Use it in the {_time_name(kept[0])} only. {reason}")
    return _Pick(slot, candidate, kept, notes)


def _blocked_times(
    builder: _Builder, slot: str, product: Product, times: tuple[str, ...]
) -> dict[str, tuple[SafetyRule, Product]]:
    blocked: dict[str, tuple[SafetyRule, Product]] = {}
    for other_slot, pick in builder.picks.items():
        other = pick.candidate.product
        rule = conflict_between(product, other, builder.rules)
        if rule is None or other_slot == slot:
            continue
        for time in times:
            if time in pick.times:
                blocked.setdefault(time, (rule, other))
    return blocked


def _over_total_budget(builder: _Builder, slot: str, product: Product) -> Exclusion | None:
    limit = builder.profile.budget_total
    rule = rule_of_kind(builder.rules, "budget_total")
    if limit is None or rule is None:
        return None
    held_back = _held_back_for_essentials(builder, slot)
    if builder.spent(without=slot) + product.price + held_back <= limit:
        return None
    reason = rule.explain(
        product=product.display_name,
        price=f"{product.price} {product.currency}",
        budget=f"{limit} {builder.profile.currency}",
    )
    return Exclusion(product, rule.id, reason)


def _held_back_for_essentials(builder: _Builder, slot: str) -> Decimal:
    """The cheapest price of each essential slot still to fill."""
    total = Decimal(0)
    for essential in ESSENTIAL_SLOTS:
        if essential == slot or essential in builder.picks:
            continue
        prices = [c.product.price for c in _eligible(builder, essential)]
        total += min(prices, default=Decimal(0))
    return total


def _enforce_required_slots(builder: _Builder) -> None:
    """Drop products that need a slot the routine could not fill (no SPF, no AHA)."""
    for slot, pick in list(builder.picks.items()):
        product = pick.candidate.product
        for rule in needed_slots(product, builder.rules):
            if rule.slot in builder.picks:
                continue
            hits = product.with_class(*rule.classes)
            ingredient = hits[0].inci_name if hits else ""
            reason = rule.explain(product=product.display_name, ingredient=ingredient)
            builder.excluded[product.id] = Exclusion(product, rule.id, reason)
            del builder.picks[slot]
            break


def _finish(builder: _Builder) -> Routine:
    steps = [_step(builder, pick, time) for pick in builder.picks.values() for time in pick.times]
    order = {slot: index for index, slot in enumerate(SLOTS)}
    steps.sort(key=lambda step: order[step.slot])
    chosen = {pick.candidate.product.id for pick in builder.picks.values()}
    return Routine(
        am=tuple(s for s in steps if s.time == AM),
        pm=tuple(s for s in steps if s.time == PM),
        alternatives={slot: _alternatives(builder, slot) for slot in builder.picks},
        warnings=tuple(_warnings(builder)),
        excluded=tuple(e for pid, e in builder.excluded.items() if pid not in chosen),
        total_price=builder.spent(),
        currency=builder.profile.currency,
    )


def _step(builder: _Builder, pick: _Pick, time: str) -> Step:
    product = pick.candidate.product
    return Step(
        slot=pick.slot,
        time=time,
        product=product,
        how_much=product.usage.how_much,
        frequency=product.usage.frequency,
        introduce=tuple(_introduction(builder, product)),
        why=(*pick.candidate.content.reasons, *pick.notes),
        warnings=product.usage.warnings,
    )


def _introduction(builder: _Builder, product: Product) -> list[str]:
    lines = [product.usage.how_to_introduce] if product.usage.how_to_introduce else []
    careful = builder.profile.sensitive_skin or bool(builder.profile.allergies)
    leave_on = product.slot != "cleanser"
    if leave_on and (careful or product.classes & ACTIVE_CLASSES or not product.fragrance_free):
        lines.append(PATCH_TEST)
    return lines


def _alternatives(builder: _Builder, slot: str) -> tuple[Candidate, ...]:
    chosen = builder.picks[slot].candidate.product.id
    spf_missing = "sunscreen" not in builder.picks
    found: list[Candidate] = []
    for candidate in _eligible(builder, slot):
        if len(found) == ALTERNATIVES_PER_SLOT:
            break
        product = candidate.product
        if product.id == chosen or (spf_missing and needed_slots(product, builder.rules)):
            continue
        if isinstance(_fit(builder, slot, candidate), _Pick):
            found.append(candidate)
    return tuple(found)


def _warnings(builder: _Builder) -> list[str]:
    products = [pick.candidate.product for pick in builder.picks.values()]
    warnings = [
        f"We could not find a {slot.replace('_', ' ')} that fits your needs, budget and avoid-list."
        for slot in ESSENTIAL_SLOTS
        if slot not in builder.picks
    ]
    sun_sensitising = sorted(
        {
            i.inci_name
            for p in products
            for r in needed_slots(p, builder.rules)
            for i in p.with_class(*r.classes)
        }
    )
    if sun_sensitising and "sunscreen" in builder.picks:
        warnings.append(
            f"{', '.join(sun_sensitising)} make your skin more sensitive to the sun: use the "
            "sunscreen every morning, even on cloudy days, and reapply outdoors."
        )
    if sum(1 for p in products if p.classes & ACTIVE_CLASSES) > 1:
        warnings.append(ONE_AT_A_TIME)
    if builder.profile.pregnant or builder.profile.breastfeeding:
        warnings.append(PREGNANCY_NOTE)
    warnings += [
        f"{p.display_name} is prescription-only: use it only as your doctor prescribes."
        for p in products
        if any(i.prescription_only for i in p.ingredients)
    ]
    warnings += [
        advice
        for concern, (threshold, advice) in SEE_A_DOCTOR.items()
        if builder.needs.severity(concern) >= threshold
    ]
    return warnings


def _time_name(time: str) -> str:
    return "morning" if time == AM else "evening"
