"""Pores and dark circles on unaffected skin do not follow skin tone on the real London faces
(issue 12, point 5), and changes of a fixed relative depth planted on them are found on every
tone; acne and redness stay flat and planted papules and redness are found on every tone.
Figures and the single-tone tables: bench/concern_tone_bench.py and docs/benchmarks.md, "Pores
and dark circles across skin tones". Age comes from london_info.csv, controlled for, never
fitted."""

from __future__ import annotations

import numpy as np
import pytest

from metskin.domain.analysis.engine import analyse_image
from tests.analysis import planting
from tests.analysis.london import TONE_BANDS, band_medians, tone_table
from tests.analysis.rank_stats import partial_spearman

PER_BAND_RATIO = 1.5  # no pooled Monk band has a median pores score beyond this x the median
PER_BAND = 2  # photos planted per pooled Monk band (the first ones by face id)


def test_pores_do_not_follow_tone(london_set) -> None:
    """Partial Spearman of the pores score with Monk, age controlled: -0.07 neutral, -0.10
    smiling (+0.22 and +0.22 with the old fixed 2.5 L* threshold); per region at most 0.17
    (the old right cheek: +0.36)."""
    score, monk, age, _ = tone_table(london_set, "pores")
    assert len(score) >= 95
    assert abs(partial_spearman(score, monk, age)) <= 0.1
    for region in ("nose", "cheek_right", "cheek_left"):
        score, monk, age, _ = tone_table(london_set, "pores", region)
        assert abs(partial_spearman(score, monk, age)) < 0.2, region


def test_no_tone_band_has_far_more_pores(london_set) -> None:
    score, monk, *_ = tone_table(london_set, "pores")
    median = float(np.median(score))
    per_band = band_medians(score, monk)
    assert max(per_band.values()) <= PER_BAND_RATIO * median, (median, per_band)


def test_dark_circles_do_not_follow_tone(london_results, smiling_results) -> None:
    """Age controlled: -0.07 neutral and +0.09 smiling with the upper cheek as reference and the
    shading allowance from the cheeks' spread (+0.09 and +0.20 with the texture gain before;
    docs/benchmarks.md, "Dark circles across skin tones, second pass")."""
    for results in (london_results, smiling_results):
        score, monk, age, _ = tone_table(results, "dark_circles")
        assert abs(partial_spearman(score, monk, age)) <= 0.1


def chosen_photos(results) -> list:
    """PER_BAND neutral photos from each pooled Monk band."""
    faces = sorted(results.values(), key=lambda face: face.face_id)
    picked = []
    for low, high in TONE_BANDS.values():
        picked += [f for f in faces if low <= f.result.tone.monk <= high][:PER_BAND]
    return picked


def planted_rise(face, planted: np.ndarray, concern: str, regions: tuple[str, ...]) -> float:
    was = face.result.concern(concern)
    now = analyse_image(planted, face.landmarker).concern(concern)
    return float(np.mean([now.regions[r] - was.regions[r] for r in regions]))


def test_planted_pits_are_found_on_every_tone(london_results) -> None:
    """Pits taking 40 % of the light at their centre, one per (0.1 eye distance)^2 of the
    cheeks: the cheeks' pores score rises by 15 or more (into "mild") on every band."""
    for face in chosen_photos(london_results):
        points = face.landmarker.faces[0]
        planted = planting.plant_relative_pits(face.rgb, points, 0.4, seed=int(face.face_id))
        rise = planted_rise(face, planted, "pores", ("cheek_right", "cheek_left"))
        assert rise >= 15, (face.face_id, face.result.tone.monk, rise)


def test_planted_under_eye_darkening_is_found_on_every_tone(london_results) -> None:
    """Both under-eyes darkened by 30 % of the light: the score rises by 15 or more on 7 of the 8
    photos, and by 45 % on all 8. The one left at 30 % is face 025 (M6, up by 3): its under-eye
    starts 3-4 Weber units above its upper cheek, so 9.6 units of darkening leave it at the
    expected level. Over all 102 neutral photos 98 rise that much at 30 % (M6 1 of 2, M7 2 of 3,
    M8 2 of 4, every other tone all; 90 with the texture gain before); docs/benchmarks.md has
    the table."""
    found = 0
    for face in chosen_photos(london_results):
        points = face.landmarker.faces[0]
        regions = ("under_eye_right", "under_eye_left")
        rise = planted_rise(
            face, planting.plant_relative_circles(face.rgb, points, 0.3), "dark_circles", regions
        )
        found += rise >= 15
        deeper = planting.plant_relative_circles(face.rgb, points, 0.45)
        rise = planted_rise(face, deeper, "dark_circles", regions)
        assert rise >= 15, (face.face_id, face.result.tone.monk, rise)
    assert found >= 7, found


@pytest.mark.parametrize("concern", ["acne", "redness"])
def test_planted_papules_and_redness_are_found_on_every_tone(london_results, concern) -> None:
    """Papules (+16-24 a*) and a red patch (+12-15 a*) on the left cheek: up by 5 or more."""
    for face in chosen_photos(london_results):
        rng = np.random.default_rng(int(face.face_id))
        points = face.landmarker.faces[0]
        if concern == "acne":
            planted = planting.plant_papules(face.rgb, points, "cheek_left", rng)
        else:
            planted = planting.plant_redness(face.rgb, points, "cheek_left", rng)
        rise = planted_rise(face, planted, concern, ("cheek_left",))
        assert rise >= 5, (face.face_id, face.result.tone.monk, rise)


def test_no_whole_face_score_follows_tone(london_set) -> None:
    """Every concern's whole-face score, age controlled: partial Spearman with Monk within
    -0.21..+0.16 on both sets (bench/tone_audit.py lists every field). A catch-all beside the
    concern tests above, for the concerns without one (dark spots, shine) and any new one."""
    names = [concern.name for concern in next(iter(london_set.values())).result.concerns]
    assert len(names) >= 7
    for name in names:
        score, monk, age, _ = tone_table(london_set, name)
        assert abs(partial_spearman(score, monk, age)) <= 0.3, name
