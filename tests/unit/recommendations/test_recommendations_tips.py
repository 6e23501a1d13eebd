"""Tips rendered from the jinja2 templates."""

from __future__ import annotations

from pathlib import Path

from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.tips import render_tips
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES


def titles(skin: SkinNeeds, person: CareProfile | None = None) -> list[str]:
    return [tip.title for tip in render_tips(skin, person or CareProfile())]


def test_worst_concerns_come_first_then_skin_type_then_sun() -> None:
    skin = SkinNeeds({"redness": 40, "acne": 85, "shine": 20}, "oily")
    assert titles(skin) == [
        "Clearing spots without over-drying",
        "Calming redness",
        "A routine for oily skin",
        "Sunscreen every morning",
    ]


def test_every_concern_and_skin_type_has_a_plain_language_tip() -> None:
    for skin_type in SKIN_TYPES:
        for concern in CONCERNS:
            tips = render_tips(SkinNeeds({concern: 80}, skin_type), CareProfile())
            assert len(tips) == 3
            for tip in tips:
                assert tip.title and tip.body and tip.article_tags
                assert "{" not in tip.body and "  " not in tip.body


def test_severity_changes_the_advice() -> None:
    marked = render_tips(SkinNeeds({"acne": 90}, "oily"), CareProfile())[0].body
    mild = render_tips(SkinNeeds({"acne": 35}, "oily"), CareProfile())[0].body
    assert "dermatologist" in marked and "dermatologist" not in mild


def test_pregnancy_changes_the_advice_and_adds_a_tip() -> None:
    skin = SkinNeeds({"wrinkles": 70}, "dry")
    pregnant = render_tips(skin, CareProfile(pregnant=True))
    assert pregnant[0].title.startswith("Skin care while pregnant")
    wrinkles = next(t for t in pregnant if t.title == "Smoothing fine lines")
    assert "not advised" in wrinkles.body
    usual = next(t for t in render_tips(skin, CareProfile()) if t.title == "Smoothing fine lines")
    assert "strongest evidence" in usual.body


def test_deeper_tones_get_tone_aware_pigmentation_advice_and_articles() -> None:
    deep = render_tips(SkinNeeds({"pigmentation": 60}, "normal", monk_tone=9), CareProfile())[0]
    light = render_tips(SkinNeeds({"pigmentation": 60}, "normal", monk_tone=2), CareProfile())[0]
    assert "iron oxides" in deep.body and "iron oxides" not in light.body
    assert "darker-skin" in deep.article_tags and "darker-skin" not in light.article_tags


def test_sensitive_profile_gets_the_sensitivity_tip() -> None:
    assert "Looking after sensitive skin" in titles(
        SkinNeeds({}, "normal"), CareProfile(sensitive_skin=True)
    )


def test_templates_can_come_from_another_folder(tmp_path: Path) -> None:
    (tmp_path / "skin_dry.j2").write_text(
        '{% set title = "Dry" %}{% set tags = ["dry-skin"] %}Type {{ skin_type }}.'
    )
    (tmp_path / "sun.j2").write_text('{% set title = "Sun" %}{% set tags = ["spf"] %}SPF.')
    tips = render_tips(SkinNeeds({}, "dry"), CareProfile(), templates=tmp_path)
    assert [(t.title, t.body, t.article_tags) for t in tips] == [
        ("Dry", "Type dry.", ("dry-skin",)),
        ("Sun", "SPF.", ("spf",)),
    ]
