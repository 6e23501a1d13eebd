"""Builds an AM/PM routine: one product per slot, safe together, explained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said
from metskin.domain.money.model import Conversion, Money, total
from metskin.domain.recommendations.advice import (
    ACTIVE_CLASSES,
    ESSENTIAL_SLOTS,
    introduction,
    routine_warnings,
)
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.needs import (
    TREATMENT_NEEDS,
    CareProfile,
    SkinNeeds,
    TreatmentNeed,
)
from metskin.domain.recommendations.ports import Ranker
from metskin.domain.recommendations.prescriptions import OnPrescription
from metskin.domain.recommendations.prices import note_said, price_said, priced
from metskin.domain.recommendations.routine_model import Candidate, Routine, Step
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.safety import (
    Exclusion,
    allowed_times,
    conflict_between,
    exclusion_for,
    rule_of_kind,
    stacking_between,
    unsafe_without,
)
from metskin.domain.recommendations.scoring import score_product
from metskin.domain.recommendations.vocabulary import AM, PM, SLOTS, TIMES

TWICE_DAILY_SLOTS = ("cleanser", "moisturiser")  # need one product for AM and PM
MORNING_CLASSES = frozenset({"vitamin_c", "antioxidant"})  # once a day: best under the SPF
ALTERNATIVES_PER_SLOT = 3
REPEAT_ACTIVE_PENALTY = 0.3  # per active class the routine already has: avoids over-treating


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
    ruled_out: dict[str, Exclusion]  # before any pick: not candidates
    prices: dict[str, Conversion]  # by product id, in the person's currency: converted once
    on_prescription: OnPrescription  # what only a prescription-only active kept out
    # Products this routine had picked, then left out for a slot it could not fill (no SPF).
    left_out: tuple[Product, ...] = ()
    # Every candidate left out for such a slot (all its retinoids and AHAs): counted, not listed.
    set_aside: Mapping[str, Exclusion] = field(default_factory=dict)
    picks: dict[str, _Pick] = field(default_factory=dict)
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
            prices = [self.price(c.product) for c in _eligible(self, essential)]
            self.cheapest[essential] = min(prices, default=Money.zero(self.profile.currency))
        return self.cheapest[essential]

    def spent(self, without: str | None = None) -> Money:
        return total(
            (self.price(p.candidate.product) for s, p in self.picks.items() if s != without),
            self.profile.currency,
        )

    def exclude(self, exclusion: Exclusion) -> None:
        self.excluded.setdefault(exclusion.product.id, exclusion)


def build_routine(
    needs: SkinNeeds, profile: CareProfile, catalog: Catalog, *, ranker: Ranker | None = None
) -> Routine:
    """One product per slot. When a slot that some products need stays empty (a retinoid or
    an AHA needs a sunscreen, and none fit beside the picks), every slot is chosen again with
    that slot first: each retinoid and AHA is then tried beside the sunscreen, and one that
    clashes with it stays out for that clash. Only when no sunscreen fits even alone are the
    products that need one left out, and every slot chosen again without them: the slot a
    left-out product had gets the best safe product instead. Each pick's notes speak of the
    routine as it ends, never of a product it left out."""
    builder = _start(needs, profile, priced(catalog, profile), ranker)
    _choose_slots(builder)
    left_out = _needing_empty_slots(builder)
    if left_out:
        first = _without(builder, {})
        _choose_slots(first, first=_required_slots(builder))
        if _needing_empty_slots(first):
            first = _without(builder, left_out)
            _choose_slots(first)
        builder = first
    return _finish(builder)


def _start(
    needs: SkinNeeds, profile: CareProfile, catalog: Catalog, ranker: Ranker | None
) -> _Builder:
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
    for ranked in (*candidates.values(), *on_prescription.by_slot.values()):
        ranked.sort(key=lambda c: (-c.score, prices[c.product.id].price.amount, c.product.id))
    return _Builder(needs, profile, catalog.rules, candidates, excluded, prices, on_prescription)


def _choose_slots(builder: _Builder, first: tuple[str, ...] = ()) -> None:
    """Every slot in `_slot_order`, the `first` slots before the others."""
    for slot in (*first, *(s for s in _slot_order(builder) if s not in first)):
        pick = _choose(builder, slot)
        if pick is not None:
            builder.picks[slot] = pick


def _required_slots(builder: _Builder) -> tuple[str, ...]:
    """The slots some products need beside them (the sunscreen)."""
    return tuple(
        dict.fromkeys(r.slot for r in builder.rules if r.kind == "requires_slot" and r.slot)
    )


def _needing_empty_slots(builder: _Builder) -> dict[str, Exclusion]:
    """The candidates that need a slot the picks left empty (an AHA or a retinoid without a
    sunscreen), each with the rule's reason; none when every such slot is filled."""
    if all(slot in builder.picks for slot in _required_slots(builder)):
        return {}
    found: dict[str, Exclusion] = {}
    for ranked in builder.candidates.values():
        for candidate in ranked:
            exclusion = unsafe_without(candidate.product, builder.rules, builder.picks)
            if exclusion is not None:
                found[candidate.product.id] = exclusion
    return found


def _without(builder: _Builder, left_out: Mapping[str, Exclusion]) -> _Builder:
    """A fresh start without the `left_out` products: no picks, and none of the exclusions
    the picks caused (they may not hold for the new ones)."""
    picked = [
        p.candidate.product for p in builder.picks.values() if p.candidate.product.id in left_out
    ]
    return _Builder(
        builder.needs,
        builder.profile,
        builder.rules,
        {
            slot: [c for c in ranked if c.product.id not in left_out]
            for slot, ranked in builder.candidates.items()
        },
        builder.ruled_out,
        builder.prices,
        builder.on_prescription,
        left_out=(*builder.left_out, *picked),
        set_aside={**builder.set_aside, **left_out},
    )


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
    return sorted(
        ranked,
        key=lambda c: (c.content.harsh_for_tone, -(c.score - _repeat_penalty(taken, c.product))),
    )


def _repeat_penalty(taken: frozenset[str], product: Product) -> float:
    """Prefer products that add a new kind of active (none of the routine's other steps'
    classes, `taken`) over a second acid or retinoid."""
    return REPEAT_ACTIVE_PENALTY * len(product.classes & ACTIVE_CLASSES & taken)


def _fit(builder: _Builder, slot: str, candidate: Candidate) -> _Pick | Exclusion:
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
        rule_id, reason = next(iter(blocked.values()))
        if slot in ESSENTIAL_SLOTS or not kept:
            return Exclusion(product, rule_id, reason)
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
    return _Pick(slot, candidate, kept, notes)


def _once_a_day_time(product: Product, times: tuple[str, ...]) -> str:
    """Antioxidants in the morning (under the SPF), other actives in the evening."""
    preferred = AM if product.classes & MORNING_CLASSES else PM
    return preferred if preferred in times else times[0]


def _blocked_times(
    builder: _Builder, slot: str, product: Product, times: tuple[str, ...]
) -> dict[str, tuple[str, str]]:
    """Per time of day, the (rule id, reason) that keeps the product out of it."""
    blocked: dict[str, tuple[str, str]] = {}
    for other_slot, pick in builder.picks.items():
        other = pick.candidate.product
        if other_slot == slot:
            continue
        rule = conflict_between(product, other, builder.rules)
        found = (
            (rule.id, rule.explain(product=product.display_name, other=other.display_name))
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
) -> tuple[str, str] | None:
    reason = stacking_between(product, other, rules)
    stacking = rule_of_kind(rules, "no_stacking")
    return (stacking.id, reason) if reason and stacking else None


def _over_total_budget(builder: _Builder, slot: str, product: Product) -> Exclusion | None:
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
    return Exclusion(product, rule.id, reason)


def _held_back_for_essentials(builder: _Builder, slot: str) -> Money:
    """The cheapest price of each essential slot still to fill."""
    held = Money.zero(builder.profile.currency)
    for essential in ESSENTIAL_SLOTS:
        if essential == slot or essential in builder.picks:
            continue
        held += builder.cheapest_in(essential)
    return held


def _finish(builder: _Builder) -> Routine:
    steps = [
        _step(builder, pick, time, again=index > 0)
        for pick in builder.picks.values()
        for index, time in enumerate(pick.times)
    ]
    order = {slot: index for index, slot in enumerate(SLOTS)}
    steps.sort(key=lambda step: order[step.slot])
    picked = {slot: pick.candidate for slot, pick in builder.picks.items()}
    chosen = {candidate.product.id for candidate in picked.values()}
    rx_options = builder.on_prescription.options(builder.needs, _slot_order(builder), picked)
    notes = (note_said(step.price) for step in steps)
    alternatives = {slot: _alternatives(builder, slot) for slot in builder.picks}
    return Routine(
        am=tuple(s for s in steps if s.time == AM),
        pm=tuple(s for s in steps if s.time == PM),
        alternatives=alternatives,
        alternative_prices={
            c.product.id: builder.price_of(c.product)
            for options in alternatives.values()
            for c in options
        },
        warnings=tuple(
            routine_warnings(
                builder.picks.keys(),
                [pick.candidate.product for pick in builder.picks.values()],
                builder.needs,
                builder.profile,
                builder.rules,
                left_out=builder.left_out,
                set_aside=len(builder.set_aside),
                rx_options=rx_options,
            )
        ),
        excluded=tuple(
            e
            for pid, e in {**builder.ruled_out, **_left_out(builder), **builder.excluded}.items()
            if pid not in chosen
        ),
        total_price=builder.spent(),
        price_notes=tuple(dict.fromkeys(note for note in notes if note)),
    )


def _left_out(builder: _Builder) -> dict[str, Exclusion]:
    """The products the routine had picked and then left out for a slot no product could
    fill, with the rule's reason. The other products left out for it are only counted
    (`routine_warnings`): listed, the ~30 retinoids and AHAs of the catalog hid every other
    reason."""
    return {product.id: builder.set_aside[product.id] for product in builder.left_out}


def _step(builder: _Builder, pick: _Pick, time: str, *, again: bool) -> Step:
    """One use of a product; a product used morning and evening is explained once, the
    evening step pointing back to the morning one rather than repeating it."""
    product = pick.candidate.product
    why = (
        (Said(SAME_AS_IN[pick.times[0]], product=product.display_name),)
        if again
        else (*pick.candidate.content.reasons, *pick.notes)
    )
    return Step(
        slot=pick.slot,
        time=time,
        product=product,
        how_much=product.usage.how_much,
        frequency=product.usage.frequency,
        introduce=tuple(introduction(product, builder.profile)),
        why=why,
        warnings=product.usage.warnings,
        price=builder.price_of(product),
    )


def _alternatives(builder: _Builder, slot: str) -> tuple[Candidate, ...]:
    chosen = builder.picks[slot].candidate.product.id
    found: list[Candidate] = []
    for candidate in _eligible(builder, slot):
        if len(found) == ALTERNATIVES_PER_SLOT:
            break
        if candidate.product.id == chosen:
            continue
        if isinstance(_fit(builder, slot, candidate), _Pick):
            found.append(candidate)
    return tuple(found)


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
SAME_AS_IN = {
    AM: _("The same {product} as in your morning routine."),
    PM: _("The same {product} as in your evening routine."),
}
