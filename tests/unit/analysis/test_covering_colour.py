"""The covering's-colour test (`covering.off_colour_at`) against skin of much and of little
chroma: what a face mask or grey hair does, and what redness, pigmentation or a change of hue
alone does not."""

from __future__ import annotations

import pytest

from metskin.domain.analysis.covering import chroma_scale, off_colour_at

LIGHT = (13.0, 17.0)  # a forehead of chroma 21: the full distances
DARK = (7.0, 8.0)  # chroma 10.6, as the Monk 8-9 London faces: half the distances
GREY = (1.5, 2.0)  # greyer than any skin


def test_the_distances_follow_the_skin_chroma() -> None:
    assert chroma_scale(LIGHT) == 1.0
    assert chroma_scale(DARK) == pytest.approx(0.53, abs=0.01)
    assert chroma_scale((3.0, 4.0)) == 1.0  # no colour of its own to lose
    assert chroma_scale((6.0, 6.0)) == 0.5  # the floor


@pytest.mark.parametrize("covering", [(1.2, 0.4), (0.9, -1.3), (-3.0, -20.0)])
def test_a_mask_is_off_colour_on_light_and_dark_skin(covering) -> None:
    assert off_colour_at(covering, LIGHT)
    assert off_colour_at(covering, DARK)  # 8-10 from it: within the full distance of 10


@pytest.mark.parametrize("reference", [LIGHT, DARK])
def test_redness_pigmentation_and_shade_are_not(reference) -> None:
    a, b = reference
    assert not off_colour_at((a + 12.0, b), reference)  # redder
    assert not off_colour_at((a, b + 12.0), reference)  # yellower
    assert not off_colour_at((a * 0.85, b * 0.85), reference)  # a little less of the same colour


def test_a_change_of_hue_alone_is_not_a_covering() -> None:
    """Greener cheeks than forehead at the same chroma (painted skin under a warm cast)."""
    # 30 deg of hue from DARK at its chroma: 5.5 away and 4.9 less red, but only 1.4 less of
    # its colour (per channel, this read as a covering at the scaled distances)
    assert not off_colour_at((2.07, 10.43), DARK)
    assert not off_colour_at((-4.0, 0.2), GREY)  # a grey forehead keeps the full distances
