"""A mirrored selfie between two analyses: the spots tell it, the sides and points follow."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import mirror
from metskin.domain.analysis.mesh_mirror import OTHER_SIDE

SPOTS = [(-0.30, 0.20), (0.12, 0.45), (0.25, -0.05), (-0.10, 0.60), (0.35, 0.30)]


def test_spots_found_again_only_flipped_tell_a_mirrored_photo() -> None:
    later = [(x + 0.005, y - 0.004) for x, y in SPOTS]  # placed again, a little off
    assert mirror.mirrored(SPOTS, later) is False
    assert mirror.mirrored(SPOTS, [(-x, y) for x, y in later]) is True


def test_too_few_or_symmetric_spots_do_not_tell() -> None:
    assert mirror.mirrored([], []) is None
    assert mirror.mirrored(SPOTS[:1], SPOTS[:1]) is None  # one spot found again: not enough
    pair = [(-0.2, 0.3), (0.2, 0.3)]  # two spots that mirror each other match either way
    assert mirror.mirrored(pair, pair) is None
    # new spots that match neither way add nothing either way
    assert mirror.mirrored(SPOTS, [(-x, y) for x, y in SPOTS] + [(0.5, 0.9), (-0.5, 0.9)]) is True


def test_a_region_on_one_side_is_named_for_the_other() -> None:
    assert mirror.other_side("cheek_right") == "cheek_left"
    assert mirror.other_side("under_eye_left") == "under_eye_right"
    assert mirror.other_side("nose") == "nose"
    assert mirror.other_side("face") == "face"
    sided = [name for name in lm.REGIONS if mirror.other_side(name) != name]
    assert sorted(mirror.other_side(name) for name in sided) == sorted(sided)


def test_the_mesh_mirror_map_pairs_each_point_with_its_counterpart() -> None:
    other = np.array(OTHER_SIDE)
    assert len(other) == 478 and (other[other] == np.arange(478)).all()  # a pairing
    assert other[33] == 263 and other[133] == 362 and other[61] == 291 and other[468] == 473
    for point in (1, 4, 6, 10, 152, 168):  # the midline
        assert other[point] == point
    for name in lm.REGIONS:  # every region's points are its other side's
        assert sorted(other[list(lm.REGIONS[name])]) == sorted(lm.REGIONS[mirror.other_side(name)])


def test_a_flipped_photo_keeps_each_point_on_the_same_part_of_the_face() -> None:
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)
    points = rng.uniform(0, 59, (478, 2))
    image, moved = mirror.flipped(rgb, points)
    assert (image[:, 0] == rgb[:, -1]).all()
    assert np.allclose(moved[263], [59 - points[33, 0], points[33, 1]])
    again, back = mirror.flipped(image, moved)
    assert (again == rgb).all() and np.allclose(back, points)
