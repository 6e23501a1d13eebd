"""Safety rules as data: each rule has an id, a kind the engine knows, and a reason users see."""

from __future__ import annotations

import json
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from metskin.domain.i18n.said import Said, Value
from metskin.domain.recommendations.vocabulary import SLOTS, TIMES

# What each kind of rule checks; the engine in `safety.py` implements them.
RULE_KINDS = (
    "exclude_class",  # product has an ingredient of a class
    "exclude_above_percent",  # product has an ingredient above a strength
    "exclude_contraindicated",  # an ingredient lists the condition as a contraindication
    "exclude_fragrance",  # product is not fragrance free
    "exclude_prescription",  # product has a prescription-only ingredient
    "avoid_list",  # user's avoid-list
    "allergy",  # user's allergies
    "turned_down",  # products the user said irritated them or rated low
    "budget_per_product",
    "budget_total",
    "no_same_time",  # classes that must not meet in one AM or PM routine
    "no_stacking",  # two products whose key actives share one of these classes, in one time
    "time_only",  # classes that may only be used at one time of day
    "requires_slot",  # classes that need another slot in the routine (SPF)
)
# `pih_risk` comes from the analysis (SkinNeeds), the others from the person (CareProfile).
CONDITIONS = ("pregnant", "breastfeeding", "sensitive", "under_18", "pih_risk")
REASON_FIELDS = frozenset(
    {"product", "ingredient", "percent", "limit", "other", "other_ingredient", "price", "budget"}
)


@dataclass(frozen=True)
class SafetyRule:
    id: str
    kind: str
    reason: str  # str.format template over REASON_FIELDS
    # The reason for several products in one line (`grouped.py`): "Products with {ingredient}
    # match ..." where one product's is "Contains {ingredient}, which matches ...". Each reason
    # that does not name its product has one.
    group_reason: str = ""
    applies_to: tuple[str, ...] = ()  # conditions; empty means everyone
    classes: tuple[str, ...] = ()
    with_classes: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = ()
    above_percent: float | None = None
    # A strength rule a prescription for the ingredient lifts, as it lifts the
    # `exclude_prescription` rules (adapalene above 0.1% for sensitive skin and minors).
    lifted_by_prescription: bool = False
    time: str | None = None
    slot: str | None = None

    def applies(self, conditions: set[str]) -> bool:
        return not self.applies_to or bool(conditions.intersection(self.applies_to))

    def explain(self, **values: Value) -> Said:
        """The reason with its values put in; it translates as a whole (the rules' reasons
        are in the catalog, `adapters/i18n/extract.py`)."""
        return Said(self.reason, **{name: values.get(name, "") for name in REASON_FIELDS})


def parse_rules(raw: Sequence[Mapping[str, Any]]) -> tuple[SafetyRule, ...]:
    rules = tuple(_parse_rule(item) for item in raw)
    ids = [rule.id for rule in rules]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise ValueError(f"Duplicate safety rule ids: {', '.join(duplicates)}")
    return rules


def _parse_rule(item: Mapping[str, Any]) -> SafetyRule:
    rule_id = str(item.get("id") or "")
    if not rule_id:
        raise ValueError(f"Safety rule without an id: {dict(item)}")
    try:
        rule = SafetyRule(
            id=rule_id,
            kind=str(item["kind"]),
            reason=str(item["reason"]),
            group_reason=str(item.get("group_reason") or ""),
            applies_to=tuple(item.get("applies_to", ())),
            classes=tuple(item.get("classes", ())),
            with_classes=tuple(item.get("with_classes", ())),
            ingredients=tuple(item.get("ingredients", ())),
            above_percent=item.get("above_percent"),
            lifted_by_prescription=item.get("lifted_by_prescription") is True,
            time=item.get("time"),
            slot=item.get("slot"),
        )
    except KeyError as missing:
        raise ValueError(f"Safety rule {rule_id!r} is missing {missing}") from None
    _check_rule(rule)
    return rule


def _check_rule(rule: SafetyRule) -> None:
    problems = []
    if rule.kind not in RULE_KINDS:
        problems.append(f"unknown kind {rule.kind!r}")
    unknown_conditions = set(rule.applies_to) - set(CONDITIONS)
    if unknown_conditions:
        problems.append(f"unknown conditions {sorted(unknown_conditions)}")
    fields = reason_fields(rule.reason)
    if fields - REASON_FIELDS:
        problems.append(f"reason uses unknown fields {sorted(fields - REASON_FIELDS)}")
    if "product" not in fields and not rule.group_reason:
        problems.append("a reason that does not name its product needs a group_reason")
    if reason_fields(rule.group_reason) - fields:
        problems.append("group_reason may use only the reason's fields")
    if rule.lifted_by_prescription and rule.kind != "exclude_above_percent":
        problems.append("only an exclude_above_percent rule is lifted_by_prescription")
    if rule.time is not None and rule.time not in TIMES:
        problems.append(f"time must be one of {TIMES}")
    if rule.slot is not None and rule.slot not in SLOTS:
        problems.append(f"unknown slot {rule.slot!r}")
    if problems:
        raise ValueError(f"Safety rule {rule.id!r}: {'; '.join(problems)}")


def reason_fields(template: str) -> set[str]:
    """The names a reason's template puts values in ("{product} costs {price}": product, price)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load_safety_rules() -> tuple[SafetyRule, ...]:
    """The safety rules shipped with the package (data/catalog/safety_rules.json)."""
    text = resources.files("metskin").joinpath("data", "catalog", "safety_rules.json").read_text()
    return parse_rules(json.loads(text))
