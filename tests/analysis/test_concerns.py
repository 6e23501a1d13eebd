"""Planted concerns are found where they were planted and not elsewhere (seeded places)."""

from __future__ import annotations

import numpy as np
import pytest

from metskin.domain.analysis.engine import analyse_image
from tests.analysis import planting
from tests.analysis.london import open_foreheads
from tests.analysis.synthetic import astronaut

FAR = {
    "cheek_left": ("forehead", "cheek_right", "chin"),
    "forehead": ("cheek_left", "cheek_right", "chin"),
    "periorbital_right": ("periorbital_left", "forehead"),
    "nasolabial_right": ("nasolabial_left", "forehead"),
}


def faces(landmarker, london_paths=None):
    yield astronaut()
    if london_paths:
        from metskin.adapters.vision.images import load_image

        for path in open_foreheads(london_paths[:3], 3):
            yield load_image(path)


@pytest.fixture(scope="module")
def base_images(landmarker, request):
    paths = None
    try:
        paths = request.getfixturevalue("london_paths")
    except pytest.skip.Exception:
        paths = None
    images = []
    for rgb in faces(landmarker, paths):
        points = landmarker.detect(rgb)[0]
        images.append((rgb, points, analyse_image(rgb, landmarker)))
    return images


CASES = [
    (
        "acne",
        "cheek_left",
        lambda rgb, pts, rng: planting.plant_papules(rgb, pts, "cheek_left", rng),
    ),
    (
        "pigmentation",
        "forehead",
        lambda rgb, pts, rng: planting.plant_spots(rgb, pts, "forehead", rng),
    ),
    ("wrinkles", "forehead", lambda rgb, pts, rng: planting.plant_forehead_lines(rgb, pts, rng)),
    (
        "wrinkles",
        "periorbital_right",
        lambda rgb, pts, rng: planting.plant_crows_feet(rgb, pts, rng, "right"),
    ),
    (
        "wrinkles",
        "nasolabial_right",
        lambda rgb, pts, rng: planting.plant_smile_line(rgb, pts, rng, "right"),
    ),
    (
        "redness",
        "cheek_left",
        lambda rgb, pts, rng: planting.plant_redness(rgb, pts, "cheek_left", rng),
    ),
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("concern", "region", "plant"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_planted_concern_is_found_where_planted(
    landmarker, base_images, concern, region, plant, seed
) -> None:
    rng = np.random.default_rng(seed)
    images = base_images
    if (concern, region) == ("pigmentation", "forehead"):
        # the astronaut's (the first) forehead is under her fringe: spots planted there sit in
        # its shade, which the spots card cannot measure whole, and the score counts only the
        # spots the card lists (test_validity.py, "only where the card lists one")
        images = base_images[1:] or pytest.skip("no London face with an open forehead")
    for rgb, points, before in images:
        after = analyse_image(plant(rgb, points, rng), landmarker)
        was, now = before.concern(concern), after.concern(concern)
        assert now.regions[region] >= 50, (concern, now.regions, now.measurements)
        # a forehead near saturation already (the astronaut's own lines: 83 with the texture
        # read from its bright side, 86 before) can gain little (under 1 point since lines
        # beside her flash highlights are read against her skin, not the highlights: "Shine
        # read as lines"), and a planted line that runs along the edge of her hair is that
        # edge (lines.along); it must not lose more than a point
        if was.regions[region] >= 80:
            assert now.regions[region] >= was.regions[region] - 1.0
        else:
            assert now.regions[region] >= was.regions[region] + 30
        for other in FAR[region]:
            if other in now.regions:
                assert now.regions[other] <= was.regions[other] + 10, (other, now.regions)
        assert now.heatmap is not None and now.heatmap.max() > 0.2


def test_acne_counts_the_planted_papules(landmarker, base_images) -> None:
    rgb, points, before = base_images[0]
    planted = planting.plant_papules(rgb, points, "cheek_left", np.random.default_rng(5), count=3)
    acne = analyse_image(planted, landmarker).concern("acne")
    clear = before.concern("acne")
    assert acne.regions["cheek_left"] - clear.regions["cheek_left"] > 50  # measured 0 -> 99
    # the 3 papules are found (mean redness 10-11 each); the astronaut's clear face has 4 faint
    # blobs (2.5-2.7, just above the 2.4 cut), and the papules lift the face's own redness
    # noise, so 2 of those 4 fall below it: 4 -> 5 lesions
    added = acne.measurements["lesion_count"] - clear.measurements["lesion_count"]
    assert added in (1, 2, 3, 4)
    assert acne.measurements["mean_excess_a_star"] > 5


def test_dark_circles_follow_under_eye_darkening(landmarker, base_images) -> None:
    rgb, points, before = base_images[0]
    darker = rgb.astype(np.float32)
    for side in ("under_eye_left", "under_eye_right"):
        mask = planting.region_in_image(points, rgb.shape, side)
        darker[mask] *= 0.72
    after = analyse_image(darker.astype(np.uint8), landmarker).concern("dark_circles")
    assert after.score >= before.concern("dark_circles").score + 30
    assert after.measurements["delta_l_star_left"] > 6


def test_scores_are_bounded_and_explained(base_images) -> None:
    for _, _, result in base_images:
        for concern in result.concerns:
            assert 0 <= concern.score <= 100
            assert all(0 <= value <= 100 for value in concern.regions.values())
            assert concern.measurements and concern.explanation


def across_tones(london_results) -> list:
    """Every 6th neutral London face, and four of Monk 7 or darker (22 faces)."""
    chosen = [face for face in london_results.values() if int(face.face_id) % 6 == 0]
    return chosen + [face for face in london_results.values() if face.result.tone.monk >= 7][:4]


def test_a_dark_spot_on_flushed_skin_is_found_and_papules_are_not_dark_spots(
    london_results,
) -> None:
    """A brown spot on a flushed cheek is a dark spot; red papules are not. Against the wide
    surround (iod / 6) the flush's own redness hid the spot (found on 4 of 34 London faces, and
    on 5 of these 22); against 0.1 iod on 19 of these 22 (docs/benchmarks.md, "Dark spots on
    flushed skin")."""
    chosen = across_tones(london_results)
    found, papules = [], []
    for face in chosen:
        points = face.landmarker.faces[0]
        rng = np.random.default_rng(int(face.face_id))
        flushed = planting.plant_redness(face.rgb, points, "cheek_left", rng)
        spotted = planting.plant_spots(flushed, points, "cheek_left", rng, count=2)

        def spots(rgb: np.ndarray, landmarker=face.landmarker) -> float:
            result = analyse_image(rgb, landmarker)
            return result.concern("pigmentation").measurements["spot_count"]

        found.append(spots(spotted) - spots(flushed))
        red = planting.plant_papules(face.rgb, points, "cheek_right", rng, count=3)
        papules.append(spots(red) - face.result.concern("pigmentation").measurements["spot_count"])
    assert len(chosen) >= 20
    assert np.mean([count >= 1 for count in found]) >= 0.8, found
    assert max(papules) <= 0, papules


def test_shine_is_not_read_as_lines_and_lines_under_shine_are_still_found(
    london_results,
) -> None:
    """The skin between two highlights is darker than both: read as a dark ridge, an oily
    T-zone's sheen raised the forehead's lines by a median 71 points on these 22 faces
    (docs/benchmarks.md, "Shine read as lines"). On the forehead, highlights are now read no
    brighter than the skin around them."""
    chosen = across_tones(london_results)
    from_shine, lines_under_shine = [], []
    for face in chosen:
        points = face.landmarker.faces[0]

        def forehead(rgb: np.ndarray, landmarker=face.landmarker) -> float:
            return analyse_image(rgb, landmarker).concern("wrinkles").regions["forehead"]

        shiny = planting.plant_shine(
            face.rgb, points, ("forehead", "nose"), np.random.default_rng(int(face.face_id))
        )
        lined = planting.plant_forehead_lines(shiny, points, np.random.default_rng(1))
        shine_score = forehead(shiny)
        from_shine.append(shine_score - face.result.concern("wrinkles").regions["forehead"])
        lines_under_shine.append(forehead(lined) - shine_score)
    assert len(chosen) >= 20
    assert np.median(from_shine) <= 5 and np.percentile(from_shine, 90) <= 15, from_shine
    assert np.median(lines_under_shine) >= 30, lines_under_shine
