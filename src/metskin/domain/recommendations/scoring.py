"""Content-based scoring: how well a product's ingredients fit the measured needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from metskin.domain.analysis.model import BANDS, shown_score
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said, Value
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.vocabulary import (
    CONCERN_WORDS,
    EVIDENCE_WORDS,
    SKIN_TYPE_WORDS,
    SKIN_TYPES,
)

NO_EVIDENCE = (0.0, "", "")
# Below this a concern is not worth treating: the result calls it "none" (`score_band`, of the
# score rounded half up), so a routine must not say it targets it.
MIN_SEVERITY = BANDS[0][0] - 0.5
CLAIM_WEIGHT = 0.1  # a marketed claim with no key active behind it
PIH_PIGMENT_WEIGHT = 1.3  # deeper tones keep dark marks longer
SKIN_TYPE_MATCH, SKIN_TYPE_MISMATCH = 0.15, -0.3
COMEDOGENIC_PENALTY = -0.4
IRRITANT_PENALTY, FRAGRANCE_PENALTY = -0.25, -0.3
TINT_MATCH, TINT_MISMATCH = 0.3, -1.0
WHITE_CAST_PENALTY, WHITE_CAST_FROM_MONK = -0.3, 7
VISIBLE_LIGHT_BONUS = 0.2
HARSH_FOR_PIH_PENALTY, HARSH_ACID_PERCENT = -0.6, 10.0
VALUE_BONUS, OVER_BUDGET_PENALTY = 0.1, -0.5
MAX_CONCERN_REASONS = 3  # the strongest matches; the rest still count in the score
OILY_TYPES = ("oily", "combination")
LEAVE_ON_EXEMPT = ("cleanser", "mask")  # rinsed off, so pore-clogging matters less

Reason = Callable[[], str]  # words one line under "why" when called


@dataclass(frozen=True)
class ScoredProduct:
    """A product's content score and, worded when first read, the reasons for it.

    Every product of the catalog is scored for a routine, but only the dozen or so it shows
    (steps and alternatives) have their reasons read; wording a line (`Said`: a template
    filled in English, with its values kept) costs more than the arithmetic of the score."""

    score: float
    reasons_of: tuple[Reason, ...] = field(default=(), repr=False, compare=False)
    concern_score: float = 0.0  # the part earned by treating measured concerns
    # Strong enough to leave dark marks on this person's deeper skin tone: the routine tries
    # every gentler option of the slot first, as the reason says.
    harsh_for_tone: bool = False

    @cached_property
    def reasons(self) -> tuple[str, ...]:
        """Plain-language lines a user sees under "why", strongest concern match first."""
        return tuple(reason() for reason in self.reasons_of)


@dataclass
class _Tally:
    score: float = 0.0
    reasons: list[Reason] = field(default_factory=list)
    harsh_for_tone: bool = False

    def add(self, points: float, reason: Reason) -> None:
        self.score += points
        self.reasons.append(reason)

    def say(self, points: float, product: Product, template: str, **values: Value) -> None:
        """Add a reason about `product`: `template` over its name and `values`."""
        self.add(points, partial(Said, template, product=product.display_name, **values))


def score_product(product: Product, needs: SkinNeeds, profile: CareProfile) -> ScoredProduct:
    concerns = _concern_fit(product, needs)
    tally = _Tally(concerns.score, list(concerns.reasons))
    for part in (_skin_type_fit, _pore_fit, _sensitivity_fit, _tone_fit, _budget_fit):
        part(product, needs, profile, tally)
    return ScoredProduct(
        round(tally.score, 4),
        tuple(tally.reasons),
        round(concerns.score, 4),
        tally.harsh_for_tone,
    )


def concern_label(concern: str) -> str:
    return CONCERN_WORDS.get(concern) or concern.replace("_", " ")


def skin_types_label(types: tuple[str, ...] | list[str]) -> Said:
    """Skin types as "oily/combination", each word translatable."""
    words = {f"type{i}": SKIN_TYPE_WORDS.get(t, t) for i, t in enumerate(types)}
    return Said("/".join(f"{{{name}}}" for name in words), **words)


def _concern_fit(product: Product, needs: SkinNeeds) -> _Tally:
    matches: list[tuple[float, Reason]] = []
    for concern, severity in needs.concerns.items():
        if severity < MIN_SEVERITY:
            continue
        weight = severity / 100 * tone_weight(concern, needs)
        evidence, active_label, strength = best_evidence(product, concern)
        name = product.display_name
        if evidence > 0:
            reason = partial(_targets, name, concern, severity, active_label, strength)
            matches.append((weight * evidence, reason))
        elif concern in product.concerns:
            sold = partial(_sold_for, name, concern, severity)
            matches.append((weight * CLAIM_WEIGHT, sold))
    matches.sort(key=lambda match: -match[0])
    return _Tally(
        sum(points for points, _ in matches),
        [reason for _, reason in matches[:MAX_CONCERN_REASONS]],
    )


def _where(concern: str, severity: float) -> Said:
    return Said(
        _("{concern} (your score {score}/100)"),
        concern=concern_label(concern),
        score=str(shown_score(severity)),
    )


def _targets(name: str, concern: str, severity: float, active: str, strength: str) -> Said:
    return Said(
        _("{product} targets {where} with {active}, which has {strength} evidence."),
        product=name,
        where=_where(concern, severity),
        active=active,
        strength=EVIDENCE_WORDS.get(strength, strength),
    )


def _sold_for(name: str, concern: str, severity: float) -> Said:
    return Said(_("{product} is sold for {where}."), product=name, where=_where(concern, severity))


def tone_weight(concern: str, needs: SkinNeeds) -> float:
    return PIH_PIGMENT_WEIGHT if concern == "pigmentation" and needs.pih_risk else 1.0


def best_evidence(product: Product, concern: str) -> tuple[float, str, str]:
    """(weight, active label, strength) of the key active with the best evidence for `concern`."""
    return product.evidence.get(concern, NO_EVIDENCE)


def _skin_type_fit(
    product: Product, needs: SkinNeeds, _profile: CareProfile, tally: _Tally
) -> None:
    if set(SKIN_TYPES) <= set(product.skin_types):  # not "oily/dry/combination/normal skin"
        everyone = _("{product} suits every skin type, yours ({skin_type}) included.")
        tally.add(SKIN_TYPE_MATCH, partial(_made_for, everyone, product, needs.skin_type))
    elif needs.skin_type in product.skin_types:
        yours = _("{product} is made for {made_for} skin; yours is {skin_type}.")
        tally.add(SKIN_TYPE_MATCH, partial(_made_for, yours, product, needs.skin_type))
    else:
        not_yours = _("{product} is made for {made_for} skin, not {skin_type}.")
        tally.add(SKIN_TYPE_MISMATCH, partial(_made_for, not_yours, product, needs.skin_type))


def _made_for(template: str, product: Product, skin_type: str) -> Said:
    return Said(
        template,
        product=product.display_name,
        made_for=skin_types_label(product.skin_types),
        skin_type=SKIN_TYPE_WORDS.get(skin_type, skin_type),
    )


def _pore_fit(product: Product, needs: SkinNeeds, _profile: CareProfile, tally: _Tally) -> None:
    prone = needs.skin_type in OILY_TYPES or needs.severity("acne") >= 30
    if not prone or product.non_comedogenic or product.slot in LEAVE_ON_EXEMPT:
        return
    worst = max(product.ingredients, key=lambda i: i.comedogenic_rating)
    tally.say(
        COMEDOGENIC_PENALTY,
        product,
        _("{product} contains {ingredient} (comedogenic {rating}/5), which can clog pores."),
        ingredient=worst.inci_name,
        rating=str(worst.comedogenic_rating),
    )


def _sensitivity_fit(
    product: Product, needs: SkinNeeds, profile: CareProfile, tally: _Tally
) -> None:
    if not (profile.sensitive_skin or needs.severity("sensitivity") >= 40):
        return
    irritant = next((i for i in product.ingredients if i.irritation == "high"), None)
    if irritant is not None:
        tally.say(
            IRRITANT_PENALTY,
            product,
            _("{product} contains {ingredient}, which often irritates sensitive skin."),
            ingredient=irritant.inci_name,
        )
    if not product.fragrance_free:
        tally.say(
            FRAGRANCE_PENALTY,
            product,
            _("{product} contains fragrance, a common trigger for sensitive skin."),
        )


def _tone_fit(product: Product, needs: SkinNeeds, _profile: CareProfile, tally: _Tally) -> None:
    if product.slot == "sunscreen" and needs.monk_tone is not None:
        _sunscreen_tone_fit(product, needs, needs.monk_tone, tally)
    if needs.pih_risk:
        harsh = _harsh_ingredient(product)
        if harsh:
            tally.harsh_for_tone = True
            tally.say(
                HARSH_FOR_PIH_PENALTY,
                product,
                _(
                    "The strong {ingredient} in {product} can leave dark marks on deeper "
                    "skin tones; gentler options come first."
                ),
                ingredient=harsh,
            )


def _sunscreen_tone_fit(product: Product, needs: SkinNeeds, monk: int, tally: _Tally) -> None:
    tint = product.tint_monk_range
    if tint is not None:
        low, high = tint
        if low <= monk <= high:
            tally.say(
                TINT_MATCH,
                product,
                _("The tint of {product} fits your skin tone (Monk {monk})."),
                monk=str(monk),
            )
        else:
            tally.say(
                TINT_MISMATCH,
                product,
                _("The tint of {product} is made for Monk tones {low}-{high}, not {monk}."),
                low=str(low),
                high=str(high),
                monk=str(monk),
            )
        if needs.pih_risk and needs.severity("pigmentation") >= 30:
            tally.say(
                VISIBLE_LIGHT_BONUS,
                product,
                _(
                    "The iron oxides in the tint of {product} also block visible light, "
                    "which darkens spots."
                ),
            )
    elif monk >= WHITE_CAST_FROM_MONK and _mainly_mineral(product):
        tally.say(
            WHITE_CAST_PENALTY,
            product,
            _("The untinted mineral filters of {product} can leave a white cast."),
        )


def _mainly_mineral(product: Product) -> bool:
    filters = [a for a in product.key_actives if "spf_filter" in a.ingredient.classes]
    return bool(filters) and all("mineral_filter" in a.ingredient.classes for a in filters)


def _harsh_ingredient(product: Product) -> str | None:
    for active in product.key_actives:
        ingredient = active.ingredient
        strong_acid = "aha" in ingredient.classes and (active.percent or 0) >= HARSH_ACID_PERCENT
        if strong_acid or ingredient.irritation == "high":
            return active.label()
    return None


def _budget_fit(product: Product, _needs: SkinNeeds, profile: CareProfile, tally: _Tally) -> None:
    limit = profile.budget_per_product
    if limit is None or limit <= 0:
        return
    price = profile.price_of(product).price
    budget = profile.budget(limit)
    if price > budget:
        tally.say(
            OVER_BUDGET_PENALTY,
            product,
            _("{product} costs {price}, over your {budget} per product."),
            price=price,
            budget=budget,
        )
        return
    share = float(price.amount / limit)
    if share <= 0.5:
        tally.say(
            VALUE_BONUS * (1 - share),
            product,
            _("{product} costs {price}, well within your {budget} per product."),
            price=price,
            budget=budget,
        )
