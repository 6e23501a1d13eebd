"""Content-based scoring: how well a product's ingredients fit the measured needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds

NO_EVIDENCE = (0.0, "", "")
MIN_SEVERITY = 10.0  # below this a concern is not worth treating
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


@dataclass(frozen=True)
class ScoredProduct:
    score: float
    reasons: tuple[str, ...]  # plain-language lines a user sees under "why"
    concern_score: float = 0.0  # the part earned by treating measured concerns


@dataclass
class _Tally:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def score_product(product: Product, needs: SkinNeeds, profile: CareProfile) -> ScoredProduct:
    concerns = _concern_fit(product, needs)
    tally = _Tally(concerns.score, list(concerns.reasons))
    for part in (_skin_type_fit, _pore_fit, _sensitivity_fit, _tone_fit, _budget_fit):
        part(product, needs, profile, tally)
    return ScoredProduct(round(tally.score, 4), tuple(tally.reasons), round(concerns.score, 4))


def concern_label(concern: str) -> str:
    return concern.replace("_", " ")


def _concern_fit(product: Product, needs: SkinNeeds) -> _Tally:
    matches: list[tuple[float, str]] = []
    for concern, severity in needs.concerns.items():
        if severity < MIN_SEVERITY:
            continue
        weight = severity / 100 * tone_weight(concern, needs)
        evidence, active_label, strength = best_evidence(product, concern)
        where = f"{concern_label(concern)} (your score {severity:.0f}/100)"
        name = product.display_name
        if evidence > 0:
            reason = f"{name} targets {where} with {active_label}, which has {strength} evidence."
            matches.append((weight * evidence, reason))
        elif concern in product.concerns:
            matches.append((weight * CLAIM_WEIGHT, f"{name} is sold for {where}."))
    matches.sort(key=lambda match: -match[0])
    return _Tally(
        sum(points for points, _ in matches),
        [reason for _, reason in matches[:MAX_CONCERN_REASONS]],
    )


def tone_weight(concern: str, needs: SkinNeeds) -> float:
    return PIH_PIGMENT_WEIGHT if concern == "pigmentation" and needs.pih_risk else 1.0


def best_evidence(product: Product, concern: str) -> tuple[float, str, str]:
    """(weight, active label, strength) of the key active with the best evidence for `concern`."""
    return product.evidence.get(concern, NO_EVIDENCE)


def _skin_type_fit(
    product: Product, needs: SkinNeeds, _profile: CareProfile, tally: _Tally
) -> None:
    made_for = "/".join(product.skin_types)
    if needs.skin_type in product.skin_types:
        tally.add(
            SKIN_TYPE_MATCH,
            f"{product.display_name} is made for {made_for} skin; yours is {needs.skin_type}.",
        )
    else:
        tally.add(
            SKIN_TYPE_MISMATCH,
            f"{product.display_name} is made for {made_for} skin, not {needs.skin_type}.",
        )


def _pore_fit(product: Product, needs: SkinNeeds, _profile: CareProfile, tally: _Tally) -> None:
    prone = needs.skin_type in OILY_TYPES or needs.severity("acne") >= 30
    if not prone or product.non_comedogenic or product.slot in LEAVE_ON_EXEMPT:
        return
    worst = max(product.ingredients, key=lambda i: i.comedogenic_rating)
    tally.add(
        COMEDOGENIC_PENALTY,
        f"{product.display_name} contains {worst.inci_name} "
        f"(comedogenic {worst.comedogenic_rating}/5), which can clog pores.",
    )


def _sensitivity_fit(
    product: Product, needs: SkinNeeds, profile: CareProfile, tally: _Tally
) -> None:
    if not (profile.sensitive_skin or needs.severity("sensitivity") >= 40):
        return
    irritant = next((i for i in product.ingredients if i.irritation == "high"), None)
    if irritant is not None:
        tally.add(
            IRRITANT_PENALTY,
            f"{product.display_name} contains {irritant.inci_name}, "
            "which often irritates sensitive skin.",
        )
    if not product.fragrance_free:
        tally.add(
            FRAGRANCE_PENALTY,
            f"{product.display_name} contains fragrance, a common trigger for sensitive skin.",
        )


def _tone_fit(product: Product, needs: SkinNeeds, _profile: CareProfile, tally: _Tally) -> None:
    if product.slot == "sunscreen" and needs.monk_tone is not None:
        _sunscreen_tone_fit(product, needs, needs.monk_tone, tally)
    if needs.pih_risk:
        harsh = _harsh_ingredient(product)
        if harsh:
            tally.add(
                HARSH_FOR_PIH_PENALTY,
                f"The strong {harsh} in {product.display_name} can leave dark marks on deeper "
                "skin tones; gentler options come first.",
            )


def _sunscreen_tone_fit(product: Product, needs: SkinNeeds, monk: int, tally: _Tally) -> None:
    tint = product.tint_monk_range
    if tint is not None:
        low, high = tint
        if low <= monk <= high:
            tally.add(
                TINT_MATCH, f"The tint of {product.display_name} fits your skin tone (Monk {monk})."
            )
        else:
            tally.add(
                TINT_MISMATCH,
                f"The tint of {product.display_name} is made for Monk tones {low}-{high}, "
                f"not {monk}.",
            )
        if needs.pih_risk and needs.severity("pigmentation") >= 30:
            tally.add(
                VISIBLE_LIGHT_BONUS,
                f"The iron oxides in the tint of {product.display_name} also block visible "
                "light, which darkens spots.",
            )
    elif monk >= WHITE_CAST_FROM_MONK and _mainly_mineral(product):
        tally.add(
            WHITE_CAST_PENALTY,
            f"The untinted mineral filters of {product.display_name} can leave a white cast.",
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
        tally.add(
            OVER_BUDGET_PENALTY,
            f"{product.display_name} costs {price.text()}, over your {budget.text()} per product.",
        )
        return
    share = float(price.amount / limit)
    if share <= 0.5:
        tally.add(
            VALUE_BONUS * (1 - share),
            f"{product.display_name} costs {price.text()}, well within your "
            f"{budget.text()} per product.",
        )
