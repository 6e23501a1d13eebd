"""Small hand-made catalogs for recommendation tests, with the real safety rules."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.loader import parse_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds

PB = ["pregnancy", "breastfeeding"]
INGREDIENTS: list[dict[str, Any]] = [
    {"inci_name": "Glycerin", "common_names": ["glycerol"], "concerns": {"dryness": "strong"}},
    {
        "inci_name": "Ceramide NP",
        "common_names": ["ceramide"],
        "classes": ["ceramide"],
        "concerns": {"dryness": "strong", "sensitivity": "moderate"},
    },
    {
        "inci_name": "Niacinamide",
        "common_names": ["vitamin b3"],
        "classes": ["niacinamide"],
        "concerns": {"pigmentation": "moderate", "shine": "moderate", "acne": "moderate"},
    },
    {
        "inci_name": "Retinol",
        "common_names": ["vitamin a"],
        "classes": ["retinoid"],
        "concerns": {"wrinkles": "strong", "acne": "moderate"},
        "contraindications": PB,
    },
    {
        "inci_name": "Tretinoin",
        "common_names": ["retinoic acid"],
        "classes": ["retinoid"],
        "concerns": {"wrinkles": "strong", "acne": "strong"},
        "contraindications": PB,
        "irritation": "high",
        "prescription_only": True,
    },
    {
        "inci_name": "Adapalene",
        "common_names": ["differin"],
        "classes": ["retinoid"],
        "concerns": {"acne": "strong"},
        "contraindications": PB,
        "prescription_above": 0.1,
    },
    {
        "inci_name": "Bakuchiol",
        "classes": ["retinol_alternative"],
        "concerns": {"wrinkles": "moderate"},
    },
    {
        "inci_name": "Glycolic Acid",
        "common_names": ["aha"],
        "classes": ["aha"],
        "concerns": {"pigmentation": "moderate", "wrinkles": "moderate"},
        "irritation": "high",
    },
    {
        "inci_name": "Salicylic Acid",
        "common_names": ["bha"],
        "classes": ["bha"],
        "concerns": {"acne": "strong", "pores": "moderate"},
        "contraindications": PB,
        "contraindicated_above": {"pregnancy": 2.0, "breastfeeding": 2.0},
    },
    {
        "inci_name": "Benzoyl Peroxide",
        "classes": ["benzoyl_peroxide"],
        "concerns": {"acne": "strong"},
        "irritation": "high",
    },
    {
        "inci_name": "Hydroquinone",
        "classes": ["hydroquinone"],
        "concerns": {"pigmentation": "strong"},
        "contraindications": PB,
        "prescription_only": True,
    },
    {
        "inci_name": "Azelaic Acid",
        "classes": ["azelaic_acid"],
        "concerns": {"pigmentation": "strong", "acne": "strong", "redness": "strong"},
    },
    {
        "inci_name": "Phytonadione",
        "common_names": ["vitamin k"],
        "concerns": {"dark_circles": "limited"},
        "contraindications": ["pregnancy"],
    },
    {
        "inci_name": "Zinc Oxide",
        "classes": ["spf_filter", "mineral_filter"],
        "concerns": {"pigmentation": "strong", "wrinkles": "strong"},
    },
    {
        "inci_name": "Bis-Ethylhexyloxyphenol Methoxyphenyl Triazine",
        "common_names": ["tinosorb s"],
        "classes": ["spf_filter"],
        "concerns": {"pigmentation": "strong", "wrinkles": "strong"},
    },
    {"inci_name": "CI 77491", "common_names": ["iron oxides"], "classes": ["iron_oxide"]},
    {
        "inci_name": "Parfum",
        "common_names": ["fragrance", "perfume"],
        "classes": ["fragrance"],
        "is_fragrance": True,
    },
    {
        "inci_name": "Limonene",
        "common_names": ["fragrance allergen"],
        "classes": ["fragrance"],
        "is_fragrance": True,
    },
    {
        "inci_name": "Lavandula Angustifolia Oil",
        "common_names": ["lavender oil", "lavender"],
        "classes": ["fragrance", "essential_oil"],
        "is_fragrance": True,
        "is_essential_oil": True,
    },
    {"inci_name": "Isopropyl Myristate", "comedogenic_rating": 5},
]


def packaged_rules() -> list[dict[str, Any]]:
    folder = resources.files("metskin").joinpath("data", "catalog")
    return json.loads(folder.joinpath("safety_rules.json").read_text(encoding="utf-8"))


def product(
    product_id: str,
    slot: str,
    actives: Sequence[tuple[str, float | None]] = (),
    *,
    extra_inci: Sequence[str] = (),
    when: str = "both",
    price: str = "10.00",
    skin_types: list[str] | None = None,
    concerns: Sequence[str] = (),
    **fields: Any,
) -> dict[str, Any]:
    """A product dict; INCI is water, the actives, then `extra_inci`."""
    return {
        "id": product_id,
        "brand": "Testlab",
        "name": product_id.replace("-", " ").title(),
        "slot": slot,
        "price": price,
        "currency": "EUR",
        "size": "30 ml",
        "skin_types": skin_types or ["oily", "dry", "combination", "normal"],
        "concerns": list(concerns),
        "inci": ["Aqua", *(name for name, _ in actives), *extra_inci, "Phenoxyethanol"],
        "key_actives": [[name, percent] for name, percent in actives],
        "usage": {"when": when, "how_much": "A little", "frequency": "Daily"},
        **fields,
    }


def basics() -> list[dict[str, Any]]:
    """A cleanser, a moisturiser and a sunscreen so a routine can always be built."""
    return [
        product("plain-cleanser", "cleanser", [("Glycerin", None)], price="8.00"),
        product("plain-moisturiser", "moisturiser", [("Ceramide NP", None)], price="12.00"),
        product("plain-spf", "sunscreen", [("Zinc Oxide", 15.0)], when="AM", price="15.00"),
    ]


def catalog(products: list[dict[str, Any]], *, with_basics: bool = True) -> Catalog:
    return parse_catalog(
        INGREDIENTS, [*(basics() if with_basics else []), *products], packaged_rules()
    )


def needs(skin_type: str = "normal", **concerns: float) -> SkinNeeds:
    return SkinNeeds(concerns=concerns, skin_type=skin_type)


def profile(**fields: Any) -> CareProfile:
    return CareProfile(**fields)
