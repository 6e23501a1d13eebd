"""The packaged catalog and the loader's checks."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from metskin.domain.recommendations.loader import load_catalog, parse_catalog
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES, SLOTS
from tests.unit.recommendations.recommendation_builders import (
    INGREDIENTS,
    catalog,
    packaged_rules,
    product,
)


@pytest.fixture(scope="module")
def packaged():  # type: ignore[no-untyped-def]
    return load_catalog()


def test_packaged_catalog_is_large_and_covers_every_slot_and_concern(packaged) -> None:
    assert len(packaged.products) >= 150
    assert len(packaged.ingredients) >= 60
    assert {p.slot for p in packaged.products} == set(SLOTS)
    assert {c for p in packaged.products for c in p.concerns} == set(CONCERNS)
    assert {t for p in packaged.products for t in p.skin_types} == set(SKIN_TYPES)


def test_packaged_products_have_realistic_prices_and_full_labels(packaged) -> None:
    for item in packaged.products:
        assert Decimal(5) <= item.price.amount <= Decimal(120), item.id
        assert item.price.currency == "EUR", item.id
        assert len(item.inci) >= 5, item.id
        assert item.key_actives, item.id
        assert item.usage.how_much and item.usage.frequency, item.id


# A name that says when the product is for (a "Day Lotion", a "Night Serum") is a promise the
# routine keeps: it goes in that routine only. "Daily" and "Every day" say how often, not when.
MORNING_WORDS = re.compile(r"\b(day|morning|am)\b", re.IGNORECASE)
EVENING_WORDS = re.compile(r"\b(night|overnight|evening|pm|sleeping)\b", re.IGNORECASE)


def test_a_product_named_for_a_time_of_day_is_used_only_then(packaged) -> None:
    named = {p.name: p.usage.when for p in packaged.products}
    assert {n: w for n, w in named.items() if MORNING_WORDS.search(n) and w != "AM"} == {}
    assert {n: w for n, w in named.items() if EVENING_WORDS.search(n) and w != "PM"} == {}
    assert named["Light Day Lotion"] == "AM"  # was "both": used in the evening routine too


def test_how_often_agrees_with_the_times_of_day(packaged) -> None:
    for item in packaged.products:
        both = item.usage.frequency.startswith("Morning and evening")
        assert both <= (item.usage.when == "both" and item.usage.per_day == 2), item.id
        assert item.usage.when != "both" or item.usage.per_day in (1, 2), item.id
        assert item.usage.when == "both" or item.usage.per_day == 1, item.id


def test_every_concern_has_ingredients_with_evidence(packaged) -> None:
    for concern in CONCERNS:
        strengths = {i.concerns.get(concern) for i in packaged.ingredients.values()}
        assert strengths - {None}, concern
    # Dark circles honestly have only limited evidence; the big ones have strong evidence.
    for concern in ("acne", "wrinkles", "pigmentation", "redness", "dryness"):
        assert "strong" in {i.concerns.get(concern) for i in packaged.ingredients.values()}


def test_packaged_rules_each_have_an_id_and_a_reason(packaged) -> None:
    assert len(packaged.rules) >= 10
    assert all(rule.id and rule.reason for rule in packaged.rules)


def test_derived_flags_come_from_the_ingredients() -> None:
    built = catalog(
        [
            product("scented", "moisturiser", [("Glycerin", None)], extra_inci=["Parfum"]),
            product("retinol", "serum", [("Retinol", 0.3)], when="PM"),
            product("bha-2", "serum", [("Salicylic Acid", 2.0)]),
            product("bha-4", "serum", [("Salicylic Acid", 4.0)]),
            product("clogging", "moisturiser", [("Isopropyl Myristate", None)]),
        ]
    )
    scented, retinol = built.product("scented"), built.product("retinol")
    assert not scented.fragrance_free and scented.pregnancy_safe
    assert retinol.fragrance_free and not retinol.pregnancy_safe
    assert built.product("bha-2").pregnancy_safe
    assert not built.product("bha-4").pregnancy_safe
    assert not built.product("clogging").non_comedogenic
    assert built.product("plain-moisturiser").non_comedogenic


def test_derived_flags_cannot_be_typed_in() -> None:
    built = catalog([product("liar", "serum", [("Retinol", 0.5)], pregnancy_safe=True)])
    assert not built.product("liar").pregnancy_safe


def test_ingredient_lookup_ignores_case_and_spacing() -> None:
    built = catalog([])
    assert built.ingredient("  salicylic   ACID ").inci_name == "Salicylic Acid"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (product("p1", "serum", [("Unobtainium", 1.0)]), "unknown key-active ingredient"),
        (product("p2", "face_oil", [("Glycerin", None)]), "unknown slot 'face_oil'"),
        (product("p3", "serum", [("Glycerin", None)], price="-1"), "price cannot be negative"),
        (product("p4", "serum", [("Glycerin", None)], when="noon"), "usage.when"),
        (product("p5", "serum", [("Glycerin", None)], concerns=["freckles"]), "freckles"),
        (product("p6", "serum", [("Salicylic Acid", None)]), "needs a concentration"),
        (product("p7", "sunscreen", [("Zinc Oxide", 10.0)], tint_monk_range=[8, 3]), "tint"),
    ],
)
def test_loader_rejects_bad_products_naming_them(bad: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        catalog([bad])
    assert repr(bad["id"]) in str(raised.value)


def test_loader_rejects_key_active_missing_from_label() -> None:
    bad = product("p8", "serum", [("Glycerin", None)])
    bad["key_actives"].append(["Niacinamide", 5.0])
    with pytest.raises(ValueError, match=r"'p8'.*not in its INCI list"):
        catalog([bad])


def test_loader_rejects_duplicate_product_ids() -> None:
    twice = product("same-id", "serum", [("Glycerin", None)])
    with pytest.raises(ValueError, match="'same-id': duplicate id"):
        catalog([twice, dict(twice)])


def test_loader_rejects_unknown_evidence_strength() -> None:
    bad = [{"inci_name": "Snake Oil", "concerns": {"acne": "miraculous"}}]
    with pytest.raises(ValueError, match=r"Snake Oil.*miraculous"):
        parse_catalog(bad, [])


def test_loader_rejects_rules_of_unknown_kind() -> None:
    rules = [*packaged_rules(), {"id": "x.magic", "kind": "magic", "reason": "?"}]
    with pytest.raises(ValueError, match=r"x\.magic.*unknown kind"):
        parse_catalog(INGREDIENTS, [], rules)


def test_load_catalog_reads_a_folder(tmp_path: Path) -> None:
    (tmp_path / "ingredients.json").write_text(json.dumps(INGREDIENTS))
    one = product("one", "serum", [("Retinol", 1.0)])
    (tmp_path / "products.json").write_text(json.dumps([one]))
    (tmp_path / "safety_rules.json").write_text(json.dumps(packaged_rules()))
    loaded = load_catalog(tmp_path)
    assert [p.id for p in loaded.products] == ["one"]
    assert loaded.product("one").key_actives[0].percent == 1.0
