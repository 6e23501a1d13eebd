"""Prescription-only products the person has no prescription for (`safety.prescribed`): the
ones only that kept out of the routine (a second build with them allowed tells which would
have been picked: `routine._prescription_options`), and for which concern a picked one would
be, so that the routine says so in one line (`advice.routine_warnings`) instead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from metskin.domain.recommendations.advice import ESSENTIAL_SLOTS, SEE_A_DOCTOR
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine_model import Candidate
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.safety import Exclusion, exclusion_for
from metskin.domain.recommendations.scoring import MIN_SEVERITY, best_evidence, tone_weight
from metskin.domain.recommendations.vocabulary import CONCERNS, SLOTS


@dataclass
class OnPrescription:
    """By slot, the candidates that a prescription-only rule alone kept out, best first."""

    rule_ids: frozenset[str]  # the `exclude_prescription` rules, and those a prescription lifts
    other_rules: tuple[SafetyRule, ...]
    by_slot: dict[str, list[Candidate]] = field(default_factory=lambda: {s: [] for s in SLOTS})

    @classmethod
    def of(cls, rules: Iterable[SafetyRule]) -> OnPrescription:
        rules = tuple(rules)
        ids = frozenset(
            r.id for r in rules if r.kind == "exclude_prescription" or r.lifted_by_prescription
        )
        return cls(ids, tuple(r for r in rules if r.id not in ids))

    def only_for_want_of_one(
        self, exclusion: Exclusion, product: Product, needs: SkinNeeds, profile: CareProfile
    ) -> bool:
        """Whether a prescription for it is all `product` lacks: no other rule keeps it out
        (pregnancy, an allergy, the budget...)."""
        return exclusion.rule_id in self.rule_ids and (
            exclusion_for(product, needs, profile, self.other_rules) is None
        )

    def treating(self, slot: str) -> list[Candidate]:
        """The slot's products that treat a measured concern, best first; none for an
        essential slot (a cleanser, a moisturiser or a sunscreen is no prescription option)."""
        if slot in ESSENTIAL_SLOTS:
            return []
        return [c for c in self.by_slot[slot] if c.content.concern_score > 0]


def prescription_options(products: Iterable[Product], needs: SkinNeeds) -> dict[str, str]:
    """Concern -> the prescription-only actives of `products` named in a list. Each product
    counts for one measured concern it treats: one that needs a doctor anyway (`SEE_A_DOCTOR`),
    so that its line names them, else the one it treats best."""
    found: dict[str, dict[str, None]] = {}
    for product in products:
        concern = _treated(product, needs)
        if concern is None:
            continue
        names = found.setdefault(concern, {})
        for ingredient in product.prescription_actives:
            names.setdefault(ingredient.inci_name, None)
    return {concern: ", ".join(names) for concern, names in found.items()}


def _treated(product: Product, needs: SkinNeeds) -> str | None:
    fit = {  # weighed as the score weighs them (`scoring._concern_fit`): the step's first "why"
        concern: needs.severity(concern)
        * tone_weight(concern, needs)
        * best_evidence(product, concern)[0]
        for concern in CONCERNS
        if needs.severity(concern) >= MIN_SEVERITY
    }
    treated = [concern for concern in CONCERNS if fit.get(concern, 0) > 0]
    severe = [c for c in treated if c in SEE_A_DOCTOR and needs.severity(c) >= SEE_A_DOCTOR[c][0]]
    return max(severe or treated, key=lambda c: fit[c], default=None)  # ties: CONCERNS order
