"""Filling a routine's slots: the candidates the safety rules let through, scored and ranked;
the order the slots are filled in; and for each slot the best candidate that fits beside the
picks so far (no clash or stacking at the same time of day, within the budget, with the budget
for the essentials still to fill held back), with the notes its timing needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said
from metskin.domain.money.model import Conversion, Money, total
from metskin.domain.recommendations.advice import ACTIVE_CLASSES, ESSENTIAL_SLOTS
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.needs import (
    TREATMENT_NEEDS,
    CareProfile,
    SkinNeeds,
    TreatmentNeed,
)
from metskin.domain.recommendations.ports import Ranker
from metskin.domain.recommendations.prescriptions import OnPrescription
from metskin.domain.recommendations.prices import price_said
from metskin.domain.recommendations.routine_model import Candidate
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.safety import (
    Exclusion,
    allowed_times,
    conflict_between,
    exclusion_for,
    rule_of_kind,
    stacking_between,
)
from metskin.domain.recommendations.scoring import score_product
from metskin.domain.recommendations.vocabulary import AM, PM, SLOTS, TIMES

TWICE_DAILY_SLOTS = ("cleanser", "moisturiser")  # need one product for AM and PM
MORNING_CLASSES = frozenset({"vitamin_c", "antioxidant"})  # once a day: best under the SPF
REPEAT_ACTIVE_PENALTY = 0.3  # per active class the routine already has: avoids over-treating


@dataclass
class Pick:
    slot: str
    candidate: Candidate
    times: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


@dataclass
class Builder:
    needs: SkinNeeds
    profile: CareProfile
    rules: tuple[SafetyRule, ...]
    candidates: dict[str, list[Candidate]]
    ruled_out: dict[str, Exclusion]  # before any pick: not candidates
    prices: dict[str, Conversion]  # by product id, in the person's currency: converted once
    on_prescription: OnPrescription  # what only a prescription-only active kept out
    # Products this routine had picked, then left out for a slot it could not fill (no SPF).
    left_out: tuple[Product, ...] = ()
    # Every candidate left out for such a slot (all its retinoids and AHAs): counted, not listed.
    set_aside: Mapping[str, Exclusion] = field(default_factory=dict)
    picks: dict[str, Pick] = field(default_factory=dict)
    excluded: dict[str, Exclusion] = field(default_factory=dict)  # tried for the picks
    cheapest: dict[str, Money] = field(default_factory=dict)  # by essential slot, found once

    def price_of(self, product: Product) -> Conversion:
        return self.prices[product.id]

    def price(self, product: Product) -> Money:
        return self.price_of(product).price

    def cheapest_in(self, essential: str) -> Money:
        """The lowest price among an essential slot's eligible products: the same whatever
        the picks (they only reorder them), so found once per routine."""
        if essential not in self.cheapest:
            prices = [self.price(c.product) for c in eligible(self, essential)]
            self.cheapest[essential] = min(prices, default=Money.zero(self.profile.currency))
        return self.cheapest[essential]

    def spent(self, without: str | None = None) -> Money:
        return total(
            (self.price(p.candidate.product) for s, p in self.picks.items() if s != without),
            self.profile.currency,
        )

    def exclude(self, exclusion: Exclusion) -> None:
        self.excluded.setdefault(exclusion.product.id, exclusion)


def start(
    needs: SkinNeeds, profile: CareProfile, catalog: Catalog, ranker: Ranker | None
) -> Builder:
    candidates: dict[str, list[Candidate]] = {slot: [] for slot in SLOTS}
    excluded: dict[str, Exclusion] = {}
    on_prescription = OnPrescription.of(catalog.rules)
    for product in catalog.products:
        exclusion = exclusion_for(product, needs, profile, catalog.rules)
        if exclusion is not None:
            excluded[product.id] = exclusion
            if not on_prescription.only_for_want_of_one(exclusion, product, needs, profile):
                continue
        content = score_product(product, needs, profile)
        score = ranker(product, needs, profile, content) if ranker else content.score
        into = on_prescription.by_slot if exclusion else candidates
        into[product.slot].append(Candidate(product, score, content))
    prices = {p.id: profile.price_of(p) for p in catalog.products}
    candidates = {slot: ranked(found, prices) for slot, found in candidates.items()}
    on_prescription.by_slot = {
        slot: ranked(found, prices) for slot, found in on_prescription.by_slot.items()
    }
    return Builder(needs, profile, catalog.rules, candidates, excluded, prices, on_prescription)


def ranked(candidates: list[Candidate], prices: Mapping[str, Conversion]) -> list[Candidate]:
    """Best score first; ties to the cheaper product, then by id."""
    return sorted(candidates, key=lambda c: rank(c, prices))


def rank(candidate: Candidate, prices: Mapping[str, Conversion]) -> tuple[float, Decimal, str]:
    return -candidate.score, prices[candidate.product.id].price.amount, candidate.product.id


def choose_slots(builder: Builder, first: tuple[str, ...] = ()) -> None:
    """Every slot in `slot_order`, the `first` slots before the others."""
    for slot in (*first, *(s for s in slot_order(builder) if s not in first)):
        pick = _choose(builder, slot)
        if pick is not None:
            builder.picks[slot] = pick


def slot_order(builder: Builder, also: Mapping[str, list[Candidate]] | None = None) -> list[str]:
    """Wanted treatments, strongest match first, then the essentials (`also`: candidates
    to count beside the builder's, ranked).

    Treatments go first so that cleanser and moisturiser are picked to suit them;
    the budget for the essentials is held back while treatments are chosen.
    """
    wanted = [need.slot for need in TREATMENT_NEEDS if _is_needed(need, builder)]
    wanted.sort(key=lambda slot: -_best_score(builder, slot, also or {}))
    return [*wanted, *ESSENTIAL_SLOTS]


def _is_needed(need: TreatmentNeed, builder: Builder) -> bool:
    limit = need.min_severity
    if builder.profile.sensitive_skin and need.sensitive_min_severity is not None:
        limit = need.sensitive_min_severity
    return any(builder.needs.severity(c) >= limit for c in need.concerns)


def _best_score(builder: Builder, slot: str, also: Mapping[str, list[Candidate]]) -> float:
    return max((c.score for c in (*builder.candidates[slot], *also.get(slot, ())[:1])), default=0.0)


def _choose(builder: Builder, slot: str) -> Pick | None:
    for candidate in eligible(builder, slot):
        found = fit(builder, slot, candidate)
        if isinstance(found, Pick):
            return found
        builder.exclude(found)
    return None


def eligible(builder: Builder, slot: str) -> list[Candidate]:
    ranked = builder.candidates[slot]
    if slot in TWICE_DAILY_SLOTS:
        ranked = [
            c
            for c in ranked
            if set(c.product.usage.times) == set(TIMES) and c.product.usage.per_day == len(TIMES)
        ]
    if slot not in ESSENTIAL_SLOTS:  # a treatment must treat a measured concern
        ranked = [c for c in ranked if c.content.concern_score > 0]
    taken = frozenset().union(
        *(p.candidate.product.classes for s, p in builder.picks.items() if s != slot)
    )
    return sorted(ranked, key=lambda c: eligible_order(taken, c))


def eligible_order(taken: frozenset[str], candidate: Candidate) -> tuple[bool, float]:
    """Gentle for the tone first, then by score less the repeat penalty (`taken`: the other
    picks' classes); ties keep the candidates' ranked order."""
    penalty = _repeat_penalty(taken, candidate.product)
    return candidate.content.harsh_for_tone, -(candidate.score - penalty)


def _repeat_penalty(taken: frozenset[str], product: Product) -> float:
    """Prefer products that add a new kind of active (none of the routine's other steps'
    classes, `taken`) over a second acid or retinoid."""
    return REPEAT_ACTIVE_PENALTY * len(product.classes & ACTIVE_CLASSES & taken)


def fit(builder: Builder, slot: str, candidate: Candidate) -> Pick | Exclusion:
    product = candidate.product
    over_budget = _over_total_budget(builder, slot, product)
    if over_budget is not None:
        return over_budget
    times, timing_rules = allowed_times(product, builder.rules)
    notes: list[str] = [
        rule.explain(product=product.display_name)
        for rule in timing_rules
        if set(times) != set(product.usage.times)
    ]
    blocked = _blocked_times(builder, slot, product, times)
    kept = tuple(t for t in times if t not in blocked)
    if blocked:
        rule, reason = next(iter(blocked.values()))
        if slot in ESSENTIAL_SLOTS or not kept:
            return Exclusion(product, rule.id, reason, rule.group_reason)
        only = USE_ONLY_IN[kept[0]]
        notes.append(Said(only, product=product.display_name, reason=reason))
    if len(kept) > product.usage.per_day:
        kept = (_once_a_day_time(product, kept),)
        notes.append(
            Said(
                ONCE_A_DAY_IN[kept[0]],
                product=product.display_name,
                frequency=product.usage.frequency.lower(),
            )
        )
    return Pick(slot, candidate, kept, notes)


def _once_a_day_time(product: Product, times: tuple[str, ...]) -> str:
    """Antioxidants in the morning (under the SPF), other actives in the evening."""
    preferred = AM if product.classes & MORNING_CLASSES else PM
    return preferred if preferred in times else times[0]


def _blocked_times(
    builder: Builder, slot: str, product: Product, times: tuple[str, ...]
) -> dict[str, tuple[SafetyRule, str]]:
    """Per time of day, the (rule, reason) that keeps the product out of it."""
    blocked: dict[str, tuple[SafetyRule, str]] = {}
    for other_slot, pick in builder.picks.items():
        other = pick.candidate.product
        if other_slot == slot:
            continue
        rule = conflict_between(product, other, builder.rules)
        found = (
            (rule, rule.explain(product=product.display_name, other=other.display_name))
            if rule is not None
            else _stacking(product, other, builder.rules)
        )
        if found is None:
            continue
        for time in times:
            if time in pick.times:
                blocked.setdefault(time, found)
    return blocked


def _stacking(
    product: Product, other: Product, rules: tuple[SafetyRule, ...]
) -> tuple[SafetyRule, str] | None:
    reason = stacking_between(product, other, rules)
    stacking = rule_of_kind(rules, "no_stacking")
    return (stacking, reason) if reason and stacking else None


def _over_total_budget(builder: Builder, slot: str, product: Product) -> Exclusion | None:
    limit = builder.profile.budget_total
    rule = rule_of_kind(builder.rules, "budget_total")
    if limit is None or rule is None:
        return None
    held_back = _held_back_for_essentials(builder, slot)
    budget = builder.profile.budget(limit)
    if builder.spent(without=slot) + builder.price(product) + held_back <= budget:
        return None
    reason = rule.explain(
        product=product.display_name,
        price=price_said(builder.price_of(product)),
        budget=budget,
    )
    return Exclusion(product, rule.id, reason, rule.group_reason)


def _held_back_for_essentials(builder: Builder, slot: str) -> Money:
    """The cheapest price of each essential slot still to fill."""
    held = Money.zero(builder.profile.currency)
    for essential in ESSENTIAL_SLOTS:
        if essential == slot or essential in builder.picks:
            continue
        held += builder.cheapest_in(essential)
    return held


# A sentence per time of day, so each language words the morning and the evening its way.
USE_ONLY_IN = {
    AM: _("Use {product} in the morning only. {reason}"),
    PM: _("Use {product} in the evening only. {reason}"),
}
# The label's own frequency in brackets ("2-3 times a week", "once a day"): the sentence around
# it must hold for any of them.
ONCE_A_DAY_IN = {
    AM: _(
        "{product} is not used both morning and evening ({frequency}), so it is in your "
        "morning routine only."
    ),
    PM: _(
        "{product} is not used both morning and evening ({frequency}), so it is in your "
        "evening routine only."
    ),
}
