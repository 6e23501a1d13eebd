"""Content-based scoring: evidence, skin type, tone and budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.recommendations.needs import SkinNeeds
from metskin.domain.recommendations.scoring import score_product
from tests.unit.recommendations.recommendation_builders import catalog, needs, product, profile

BUILT = catalog(
    [
        product("azelaic", "serum", [("Azelaic Acid", 10.0)]),
        product("niacinamide", "serum", [("Niacinamide", 5.0)]),
        product("claims-only", "serum", [("Glycerin", None)], concerns=["pigmentation"]),
        product("dry-only", "moisturiser", [("Ceramide NP", None)], skin_types=["dry"]),
        product("clogging", "moisturiser", [("Isopropyl Myristate", None)]),
        # Two shades of one iron-oxide tinted mineral sunscreen.
        *(
            product(
                f"tint-{shade}",
                "sunscreen",
                [("Zinc Oxide", 15.0)],
                extra_inci=["CI 77491"],
                tint_monk_range=monk_range,
                when="AM",
            )
            for shade, monk_range in (("light", [1, 4]), ("deep", [7, 10]))
        ),
        product(
            "sheer-chemical",
            "sunscreen",
            [("Bis-Ethylhexyloxyphenol Methoxyphenyl Triazine", 4.0)],
            when="AM",
        ),
        product("strong-aha", "exfoliant", [("Glycolic Acid", 20.0)], when="PM"),
        product("pricey", "serum", [("Niacinamide", 5.0)], price="60.00"),
    ]
)


def score(product_id: str, skin: SkinNeeds, **profile_fields: object) -> float:
    return score_product(BUILT.product(product_id), skin, profile(**profile_fields)).score


def test_strong_evidence_beats_moderate_for_the_same_need() -> None:
    skin = needs(pigmentation=80)
    assert score("azelaic", skin) > score("niacinamide", skin) > score("claims-only", skin)


def test_score_grows_with_severity() -> None:
    assert score("azelaic", needs(acne=90)) > score("azelaic", needs(acne=40))
    assert score("azelaic", needs(acne=5)) == score("azelaic", needs())  # below the threshold


def test_reasons_name_the_concern_the_score_and_the_ingredient() -> None:
    scored = score_product(BUILT.product("azelaic"), needs(redness=72), profile())
    assert (
        "Testlab Azelaic targets redness (your score 72/100) with Azelaic Acid 10%, "
        "which has strong evidence." in scored.reasons
    )
    assert scored.concern_score > 0


def test_skin_type_fit() -> None:
    dry, oily = needs("dry", dryness=60), needs("oily", dryness=60)
    assert score("dry-only", dry) > score("dry-only", oily)


def test_the_skin_type_reason_reads_as_a_person_says_it() -> None:
    """A product for every skin type said it was "made for oily/dry/combination/normal skin"."""
    for_all = score_product(BUILT.product("azelaic"), needs("normal"), profile()).reasons
    assert "Testlab Azelaic suits every skin type, yours (normal) included." in for_all
    assert not any("/" in reason for reason in for_all)
    dry = score_product(BUILT.product("dry-only"), needs("dry"), profile()).reasons
    assert "Testlab Dry Only is made for dry skin; yours is dry." in dry
    oily = score_product(BUILT.product("dry-only"), needs("oily"), profile()).reasons
    assert "Testlab Dry Only is made for dry skin, not oily." in oily


def test_pore_clogging_is_penalised_for_oily_or_acne_prone_skin() -> None:
    oily = needs("oily")
    assert score("clogging", oily) < score("plain-moisturiser", oily)
    assert score("clogging", needs("dry")) == score("plain-moisturiser", needs("dry"))
    reasons = score_product(BUILT.product("clogging"), oily, profile()).reasons
    assert any("Isopropyl Myristate" in r and "clog" in r for r in reasons)


@pytest.mark.parametrize(("monk", "best"), [(2, "tint-light"), (9, "tint-deep")])
def test_tinted_spf_shade_follows_monk_tone(monk: int, best: str) -> None:
    skin = SkinNeeds({"pigmentation": 50}, "normal", monk_tone=monk)
    other = "tint-deep" if best == "tint-light" else "tint-light"
    assert score(best, skin) > score(other, skin)


def test_untinted_mineral_spf_loses_points_on_deep_tones_for_white_cast() -> None:
    deep = SkinNeeds({"pigmentation": 20}, "normal", monk_tone=9)
    light = SkinNeeds({"pigmentation": 20}, "normal", monk_tone=2)
    mineral = BUILT.product("plain-spf")
    deep_reasons = score_product(mineral, deep, profile()).reasons
    assert any("white cast" in r for r in deep_reasons)
    assert not any("white cast" in r for r in score_product(mineral, light, profile()).reasons)


def test_pigmentation_weighs_more_for_deeper_tones() -> None:
    deeper = SkinNeeds({"pigmentation": 60}, "normal", monk_tone=8)
    lighter = SkinNeeds({"pigmentation": 60}, "normal", monk_tone=2)
    assert score("azelaic", deeper) > score("azelaic", lighter)
    band = SkinNeeds({"pigmentation": 60}, "normal", fitzpatrick_band="V-VI")
    assert band.pih_risk and score("azelaic", band) == score("azelaic", deeper)


def test_strong_acids_rank_lower_for_deeper_tones() -> None:
    deeper = SkinNeeds({"pigmentation": 60}, "normal", monk_tone=8)
    lighter = SkinNeeds({"pigmentation": 60}, "normal", monk_tone=2)
    assert score("strong-aha", deeper) < score("strong-aha", lighter)


def test_budget_fit() -> None:
    skin = needs(shine=60)
    assert score("pricey", skin, budget_per_product=Decimal(30)) < score("pricey", skin)
    assert score("niacinamide", skin, budget_per_product=Decimal(100)) > score("niacinamide", skin)


def test_sensitive_skin_penalises_strong_irritants() -> None:
    skin = needs(pigmentation=60)
    assert score("strong-aha", skin, sensitive_skin=True) < score("strong-aha", skin)


@pytest.mark.parametrize(
    "bad",
    [
        {"concerns": {"acne": 120}, "skin_type": "oily"},
        {"concerns": {"freckles": 10}, "skin_type": "oily"},
        {"concerns": {}, "skin_type": "greasy"},
        {"concerns": {}, "skin_type": "oily", "monk_tone": 11},
        {"concerns": {}, "skin_type": "oily", "fitzpatrick_band": "VII"},
    ],
)
def test_skin_needs_are_validated(bad: dict) -> None:
    with pytest.raises(ValidationFailed):
        SkinNeeds(**bad)


def test_a_concern_the_result_calls_none_is_not_targeted() -> None:
    """The result page said "Lines and wrinkles: None" (score 14) while the routine said its
    products "target wrinkles (your score 14/100)": below the mild band nothing is targeted."""
    niacinamide = BUILT.product("niacinamide")
    below = score_product(niacinamide, needs(pigmentation=14.4), profile())  # shown as 14
    assert below.concern_score == 0.0
    assert not any("targets" in reason for reason in below.reasons)
    mild = score_product(niacinamide, needs(pigmentation=14.5), profile())  # shown as 15
    assert mild.concern_score > 0.0
    assert any("targets pigmentation (your score 15/100)" in r for r in mild.reasons)
