"""Builds an AM/PM routine: one product per slot, safe together, explained.

The slots are filled in `filling.py`; this module runs the rounds (again with the sunscreen
first, or without the products that need one, when none fits) and turns the picks into the
routine's steps, alternatives, warnings and exclusions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said
from metskin.domain.money.model import Conversion
from metskin.domain.recommendations.advice import ESSENTIAL_SLOTS, introduction, routine_warnings
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.filling import (
    Builder,
    Pick,
    choose_slots,
    eligible,
    eligible_order,
    fit,
    rank,
    ranked,
    slot_order,
    start,
)
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.ports import Ranker
from metskin.domain.recommendations.prescriptions import prescription_options
from metskin.domain.recommendations.prices import note_said, priced
from metskin.domain.recommendations.routine_model import Candidate, Routine, Step
from metskin.domain.recommendations.safety import Exclusion, unsafe_without
from metskin.domain.recommendations.vocabulary import AM, PM, SLOTS

ALTERNATIVES_PER_SLOT = 3


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
    begun = start(needs, profile, priced(catalog, profile), ranker)
    built = _rounds(begun)
    return _finish(built, _prescription_options(begun, built))


def _rounds(builder: Builder) -> Builder:
    """Fills `builder`'s slots (a fresh start) as `build_routine` says: the builder it ends
    with, `builder` itself or a fresh one of the later rounds."""
    choose_slots(builder)
    left_out = _needing_empty_slots(builder)
    if left_out:
        first = _without(builder, {})
        choose_slots(first, first=_required_slots(builder))
        if _needing_empty_slots(first):
            first = _without(builder, left_out)
            choose_slots(first)
        builder = first
    return builder


def _prescription_options(begun: Builder, built: Builder) -> dict[str, str]:
    """Concern -> the prescription-only actives that would have been picked for it, had the
    person had a prescription for each (`prescriptions.prescription_options`): the treatment
    picks of a second build from the same start with the products only a prescription kept
    out allowed back. Each of those passed every other rule (pregnancy, age, sensitivity,
    allergies, prices: `OnPrescription`), and the second build fills the slots as the first
    (order, conflicts, stacking, total budget, the sunscreen rounds) with the same scores. It
    runs only when one of them may be picked (`second_build_needed`).
    Comparing scores alone named products no build would pick: behind a gentler one for a
    deeper tone, or stacked on a pick of the same kind."""
    on_prescription = begun.on_prescription
    wanted = [slot for slot in slot_order(built) if slot not in ESSENTIAL_SLOTS]
    if not second_build_needed(begun, built):
        return {}
    merged = {
        slot: ranked([*begun.candidates[slot], *on_prescription.by_slot[slot]], begun.prices)
        for slot in SLOTS
    }
    second = _rounds(
        Builder(
            begun.needs,
            begun.profile,
            begun.rules,
            merged,
            begun.ruled_out,
            begun.prices,
            on_prescription,
        )
    )
    extra = {c.product.id for found in on_prescription.by_slot.values() for c in found}
    found = [
        second.picks[slot].candidate.product
        for slot in wanted
        if slot in second.picks and second.picks[slot].candidate.product.id in extra
    ]
    return prescription_options(found, begun.needs)


def second_build_needed(begun: Builder, built: Builder) -> bool:
    """Whether the second build of `_prescription_options` may pick a product only a
    prescription kept out. Until it picks one it makes the first build's picks, in the same
    order; so when the first build took one round and the products added change no slot's
    place in `slot_order`, one is picked only if, beside the picks of the slots before its
    own, it comes before that slot's pick in `eligible`'s order and fits. Else
    (the sunscreen rounds ran, or a slot moves) the second build runs."""
    on_prescription = begun.on_prescription
    order = slot_order(begun)
    if built is not begun or slot_order(begun, also=on_prescription.by_slot) != order:
        return True
    earlier: dict[str, Pick] = {}
    for slot in order:
        pick = built.picks.get(slot)
        taken = frozenset().union(*(p.candidate.product.classes for p in earlier.values()))
        ahead = [
            candidate
            for candidate in on_prescription.treating(slot)
            if pick is None or _before(taken, candidate, pick.candidate, begun.prices)
        ]
        before = replace(begun, picks=dict(earlier), excluded={}) if ahead else begun
        if any(isinstance(fit(before, slot, candidate), Pick) for candidate in ahead):
            return True
        if pick is not None:
            earlier[slot] = pick
    return False


def _before(
    taken: frozenset[str], one: Candidate, other: Candidate, prices: Mapping[str, Conversion]
) -> bool:
    """Whether `eligible` puts `one` before `other` (its sort keeps the `ranked` order)."""
    return (eligible_order(taken, one), rank(one, prices)) < (
        eligible_order(taken, other),
        rank(other, prices),
    )


def _required_slots(builder: Builder) -> tuple[str, ...]:
    """The slots some products need beside them (the sunscreen)."""
    return tuple(
        dict.fromkeys(r.slot for r in builder.rules if r.kind == "requires_slot" and r.slot)
    )


def _needing_empty_slots(builder: Builder) -> dict[str, Exclusion]:
    """The candidates that need a slot the picks left empty (an AHA or a retinoid without a
    sunscreen), each with the rule's reason; none when every such slot is filled."""
    if all(slot in builder.picks for slot in _required_slots(builder)):
        return {}
    found: dict[str, Exclusion] = {}
    for slot_candidates in builder.candidates.values():
        for candidate in slot_candidates:
            exclusion = unsafe_without(candidate.product, builder.rules, builder.picks)
            if exclusion is not None:
                found[candidate.product.id] = exclusion
    return found


def _without(builder: Builder, left_out: Mapping[str, Exclusion]) -> Builder:
    """A fresh start without the `left_out` products: no picks, and none of the exclusions
    the picks caused (they may not hold for the new ones)."""
    picked = [
        p.candidate.product for p in builder.picks.values() if p.candidate.product.id in left_out
    ]
    return Builder(
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


def _finish(builder: Builder, rx_options: Mapping[str, str]) -> Routine:
    steps = [
        _step(builder, pick, time, again=index > 0)
        for pick in builder.picks.values()
        for index, time in enumerate(pick.times)
    ]
    order = {slot: index for index, slot in enumerate(SLOTS)}
    steps.sort(key=lambda step: order[step.slot])
    picked = {slot: pick.candidate for slot, pick in builder.picks.items()}
    chosen = {candidate.product.id for candidate in picked.values()}
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


def _left_out(builder: Builder) -> dict[str, Exclusion]:
    """The products the routine had picked and then left out for a slot no product could
    fill, with the rule's reason. The other products left out for it are only counted
    (`routine_warnings`): listed, the ~30 retinoids and AHAs of the catalog hid every other
    reason."""
    return {product.id: builder.set_aside[product.id] for product in builder.left_out}


def _step(builder: Builder, pick: Pick, time: str, *, again: bool) -> Step:
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


def _alternatives(builder: Builder, slot: str) -> tuple[Candidate, ...]:
    chosen = builder.picks[slot].candidate.product.id
    found: list[Candidate] = []
    for candidate in eligible(builder, slot):
        if len(found) == ALTERNATIVES_PER_SLOT:
            break
        if candidate.product.id == chosen:
            continue
        if isinstance(fit(builder, slot, candidate), Pick):
            found.append(candidate)
    return tuple(found)


SAME_AS_IN = {
    AM: _("The same {product} as in your morning routine."),
    PM: _("The same {product} as in your evening routine."),
}
