"""Planted pores and shine are found where they were planted (seeded places, several faces),
and shine drives the skin type: T-zone shine reads combination, T- and U-zone shine oily."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image
from tests.analysis import planting
from tests.analysis.london import open_foreheads
from tests.analysis.synthetic import astronaut, jpeg_round_trip


@pytest.fixture(scope="module")
def base_faces(landmarker, request):
    images = [astronaut()]
    with contextlib.suppress(pytest.skip.Exception):  # London faces are optional
        paths = open_foreheads(request.getfixturevalue("london_paths")[:3], 3)
        images += [load_image(path) for path in paths]
    return [(rgb, landmarker.detect(rgb)[0], analyse_image(rgb, landmarker)) for rgb in images]


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_pores_are_found_on_the_planted_cheek(landmarker, base_faces, seed) -> None:
    rng = np.random.default_rng(seed)
    for rgb, points, before in base_faces:
        planted, count = planting.plant_pores(rgb, points, "cheek_left", rng)
        was, now = before.concern("pores"), analyse_image(planted, landmarker).concern("pores")
        # one pit per (0.1 eye distance)^2 scores about 45 since the pores scale moved to 1.6
        # pits per patch for 63 (concerns.PORES_DENSITY_SCALE; it was 1 pit: >= 50 and + 30)
        assert now.regions["cheek_left"] >= 35, (now.regions, now.measurements)
        assert now.regions["cheek_left"] >= was.regions["cheek_left"] + 20
        for other in ("cheek_right", "nose"):
            assert now.regions[other] <= was.regions[other] + 10, (other, now.regions)
        found = now.measurements["pore_count"] - was.measurements["pore_count"]
        # a difference of counts: planted pits merge with the face's own or fall on unusable
        # skin (one London face, seed 1: 12 of 24 with the old threshold, 11 with the tail's)
        assert 0.45 * count <= found <= count + 5, (count, found)


@pytest.mark.parametrize("seed", [0, 1])
def test_t_zone_shine_reads_as_combination_skin(landmarker, base_faces, seed) -> None:
    rng = np.random.default_rng(seed)
    for rgb, points, before in base_faces:
        shiny = analyse_image(
            planting.plant_shine(rgb, points, ("forehead", "nose"), rng), landmarker
        )
        was, now = before.concern("shine"), shiny.concern("shine")
        for region in ("forehead", "nose"):
            assert now.regions[region] >= max(50, min(was.regions[region] + 20, 75)), now.regions
        for region in ("cheek_left", "cheek_right"):
            assert now.regions[region] <= was.regions[region] + 10, now.regions
        assert shiny.skin_type is not None and shiny.skin_type.image_kind == "combination"
        assert now.heatmap is not None and now.heatmap.max() > 0.2


@pytest.mark.parametrize("seed", [0, 1])
def test_shine_all_over_reads_as_oily_skin(landmarker, base_faces, seed) -> None:
    rng = np.random.default_rng(seed)
    regions = ("forehead", "nose", "cheek_left", "cheek_right")
    kinds = []
    for rgb, points, before in base_faces:
        shiny = analyse_image(planting.plant_shine(rgb, points, regions, rng), landmarker)
        assert shiny.skin_type is not None and before.skin_type is not None
        was, now = before.skin_type.measurements, shiny.skin_type.measurements
        assert now["t_zone_specular_fraction"] >= 0.03
        assert now["u_zone_specular_fraction"] >= was["u_zone_specular_fraction"] + 0.01
        kinds.append(shiny.skin_type.image_kind)
    assert kinds.count("oily") >= len(kinds) - 1, kinds


def test_faces_without_planted_shine_are_not_oily(base_faces) -> None:
    for _, _, result in base_faces:
        assert result.skin_type is not None and result.skin_type.image_kind != "oily"


def test_skin_type_does_not_follow_tone(every_london_result) -> None:
    """On the 204 London photos the skin type read from the photo was combination or oily on 14
    of the 24 photos of Monk 6-10 and on none of the 180 lighter ones, when it counted the
    L*-based specular pixels (a faint sheen is many L* on dark skin). With the shine concern's
    own rule (`skin_type.shine_mask`, a lift of linear light): 2 of 24 and 0 of 180."""
    kinds: dict[bool, list[str]] = {True: [], False: []}
    for _, _, result in every_london_result:
        if result.tone is not None and result.skin_type is not None:
            kinds[result.tone.monk >= 6].append(result.skin_type.image_kind)
    dark, light = kinds[True], kinds[False]
    assert len(dark) >= 20 and len(light) >= 170
    assert sum(kind != "normal" for kind in dark) <= 0.1 * len(dark), dark
    assert sum(kind != "normal" for kind in light) <= 0.05 * len(light)


def test_pores_do_not_rise_on_a_photo_saved_with_strong_compression(london_results) -> None:
    """JPEG at quality 60 flattens the skin inside each 8 x 8 block and rings at its edges.
    Read against the median deviation of the depth map (4.5 robust sigmas), every 2nd London
    face rose by a mean 5.6 points and 25 % became "mild" (Monk 6-10: median +8.2); against its
    90th percentile (`pores.pit_threshold`) by 1.3, 8 %, and +0.9 on the dark faces."""
    faces = list(london_results.values())
    chosen = faces[::2] + [face for face in faces[1::2] if face.result.tone.monk >= 6]
    rise, newly_mild, dark = [], 0, []
    for face in chosen:
        saved = analyse_image(jpeg_round_trip(face.rgb, 60), face.landmarker)
        was, now = face.result.concern("pores").score, saved.concern("pores").score
        rise.append(now - was)
        newly_mild += now >= 15 > was
        if face.result.tone.monk >= 6:
            dark.append(now - was)
    assert np.mean(rise) <= 2.5, np.round(rise, 1)
    assert newly_mild <= 0.15 * len(chosen), newly_mild
    assert len(dark) >= 5 and np.median(dark) <= 3.0, np.round(dark, 1)
