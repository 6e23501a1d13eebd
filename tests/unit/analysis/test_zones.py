"""Acne and dark spots are read over the face's skin: `scoring.zones` grows each region over
the skin next to it, short of the face's outline (synthetic masks: a check of the arithmetic;
the real-photo figures are in tests/analysis/test_acne_grades.py and docs/benchmarks.md, "Acne
and dark spots over the whole face")."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import Blob
from metskin.domain.analysis.scoring import blob_score, whole_face, zones

SIZE = 200
REGIONS = ("cheek_right", "cheek_left", "nose")


def face() -> FaceImage:
    """A square of skin with two cheek patches at the sides and a nose patch in the middle,
    covering a fifth of it."""
    skin = np.zeros((SIZE, SIZE), bool)
    skin[10:-10, 10:-10] = True
    masks = {name: np.zeros_like(skin) for name in REGIONS}
    masks["cheek_right"][60:120, 20:60] = True
    masks["cheek_left"][60:120, 140:180] = True
    masks["nose"][40:110, 85:115] = True
    masks.update(face=skin, skin=skin, usable=skin, hair=np.zeros_like(skin))
    lab = np.zeros((SIZE, SIZE, 3), np.float32)
    return FaceImage(np.zeros((SIZE, SIZE, 3), np.uint8), lab, masks, 80.0, np.ones(3))


def test_zones_cover_the_skin_and_keep_their_regions() -> None:
    found = face()
    grown = zones(found, REGIONS)
    # all the skin but a rim along the face's outline and round the nose (ZONE_EDGE x the eye
    # distance: 6 pixels)
    inner = np.zeros_like(found.masks["skin"])
    inner[16:-16, 16:-16] = True
    inner[34:117, 79:122] = False  # the nose (40:110, 85:115) and the crease beside it
    covered = np.logical_or.reduce(list(grown.values()))
    assert np.array_equal(covered | ~inner, np.ones_like(inner))  # all of the inner skin
    assert not covered[12, 100] and not covered[100, 12]  # the rim: an ear, a hairline
    assert not covered[75, 118] and not covered[113, 100]  # beside and below the nose
    for name in REGIONS:
        assert np.all(grown[name][found.region(name)])
    # the nose takes no skin beyond its own: below it is not "on the nose"
    assert np.array_equal(grown["nose"], found.region("nose"))
    assert grown["cheek_right"][180, 30] and grown["cheek_left"][180, 170]  # the jaw's sides


def test_a_lesion_on_the_jaw_counts_in_the_region_next_to_it() -> None:
    found = face()
    on_the_jaw = [Blob(label=1, area=12, centre=(30.0, 175.0), length=5.0, mean=6.0)]
    by_region = blob_score(found, on_the_jaw, REGIONS, lambda b: 1.0, scale=1.0)
    assert all(score == 0.0 for score in by_region.values())  # outside every region: unseen
    grown = zones(found, REGIONS)
    by_zone = blob_score(found, on_the_jaw, REGIONS, lambda b: 1.0, scale=1.0, masks=grown)
    assert by_zone["cheek_left"] == by_zone["nose"] == 0.0
    # counted as if on the right cheek: the density is over the cheek's own area, so the score
    # follows how many lesions the face has, not where
    inside = [Blob(label=1, area=12, centre=(40.0, 90.0), length=5.0, mean=6.0)]
    on_the_cheek = blob_score(found, inside, REGIONS, lambda b: 1.0, scale=1.0)
    assert by_zone["cheek_right"] == on_the_cheek["cheek_right"] > 0.0
    assert whole_face(found, by_zone) == whole_face(found, on_the_cheek)
