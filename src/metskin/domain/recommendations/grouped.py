"""Many products left out for the same reason, said once: how many, and a few of them named.

A "fragrance" allergy leaves out ~30 products of the catalog ("Contains Parfum, which matches
your allergy ..."); listed one by one they filled the list shown and hid the budget's reasons.
The no-sunscreen warning counts the products it leaves out the same way (`advice.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from metskin.domain.i18n.marks import n_
from metskin.domain.i18n.said import Said
from metskin.domain.recommendations.rules import reason_fields
from metskin.domain.recommendations.safety import Exclusion

MOST_NAMED = 3  # products named in a group's line
# The values a group's products may differ in: the product, and which of the listed
# ingredients it has (every product with a fragrance matches the allergy "fragrance").
OWN_VALUES = frozenset({"product", "ingredient"})
# A group holds two products or more (one keeps its own reason), but a count is said as each
# language says that count.
LEFT_OUT_FOR_IT = n_(
    "{reason} We left out {count} of our products for this: {products}.",
    "{reason} We left out {count} of our products for this, among them {products}.",
)


@dataclass(frozen=True)
class ExclusionGroup:
    rule_id: str
    # One line: the product's own reason, or for several the rule's `group_reason` ("Products
    # with A, B match your allergy ..."), how many, and a few names.
    reason: str
    exclusions: tuple[Exclusion, ...]  # each product with its own reason


def named(names: Iterable[str], most: int | None = None) -> str:
    """The distinct `names` in order, as a list ("Parfum, Retinol"); the first `most` only."""
    return ", ".join(sorted(set(names))[:most])


def exclusion_groups(excluded: Iterable[Exclusion]) -> tuple[ExclusionGroup, ...]:
    """`excluded` grouped by rule and reason, in the order each reason first comes: a reason
    that names its product is its own group."""
    groups: dict[object, list[Exclusion]] = {}
    for exclusion in excluded:
        groups.setdefault(_shared(exclusion), []).append(exclusion)
    return tuple(_group(tuple(found)) for found in groups.values())


def _shared(exclusion: Exclusion) -> object:
    """What a group of exclusions shares: the rule, and its reason's template and the values
    its line says (those of the rule's `group_reason`, or all) but for `OWN_VALUES`; the
    product itself when the reason names it and the rule has no line for several. The total
    budget's line names no price, so the products over it are one group whatever their prices
    (one per price was ~25 lines); the stacking line names the pick they would go on top of."""
    reason = exclusion.reason
    if not isinstance(reason, Said) or (
        "{product}" in reason.template and not exclusion.group_reason
    ):
        return (exclusion.rule_id, str(reason), exclusion.product.id)
    said = reason_fields(exclusion.group_reason) if exclusion.group_reason else set(reason.values)
    values = sorted((k, str(v)) for k, v in reason.values.items() if k in said - OWN_VALUES)
    return (exclusion.rule_id, reason.template, tuple(values))


def _group(exclusions: tuple[Exclusion, ...]) -> ExclusionGroup:
    first = exclusions[0]
    if len(exclusions) == 1:
        return ExclusionGroup(first.rule_id, first.reason, exclusions)
    said = first.reason
    assert isinstance(said, Said)  # `_shared` groups no other reason
    ingredients = named(_value(e.reason, "ingredient") for e in exclusions)
    template = first.group_reason or said.template  # a rule without one: its own
    reason = Said(template, **{**said.values, "product": "", "ingredient": ingredients})
    line = Said.counted(
        LEFT_OUT_FOR_IT,
        len(exclusions),
        reason=reason,
        products=named((e.product.display_name for e in exclusions), MOST_NAMED),
    )
    return ExclusionGroup(first.rule_id, line, exclusions)


def _value(reason: str, name: str) -> str:
    return str(reason.values.get(name, "")) if isinstance(reason, Said) else ""
