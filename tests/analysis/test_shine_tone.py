"""Shine per region does not follow skin tone on the real London faces (issue 12, point 5), and a
white film planted on the nose and forehead reads alike on every tone.

Before `skin_type.SHADING_GAIN` the nose read less shine the darker the skin (partial Spearman
with Monk, age and gender controlled: -0.60 neutral, -0.48 smiling; Monk 6-10 median 36 against
64): the broad, lit tip of a light nose adds 0.1 linear light over its surround by diffuse
shading alone. Figures, the odd / even split and what is left (the forehead): docs/benchmarks.md,
"Shine per region across skin tones". Age and gender come from london_info.csv, controlled for,
never fitted; the self-reported group is not used."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis.engine import analyse_image
from tests.analysis import planting
from tests.analysis.london import FRINGES, TONE_BANDS, band_medians, tone_table
from tests.analysis.rank_stats import partial_spearman, spearman

FILM = 0.4  # white light added at a planted highlight's core (linear, 0..1)
PER_BAND = 2  # photos planted per pooled Monk band (the first ones by face id)


def test_nose_shine_does_not_follow_tone(london_set) -> None:
    """Partial Spearman with Monk, age and gender controlled: -0.12 neutral, -0.05 smiling (was
    -0.60, -0.48); the whole face +0.11, +0.15 (was -0.03, +0.04)."""
    for region in ("nose", None):
        score, monk, age, male = tone_table(london_set, "shine", region)
        assert len(score) >= 95
        assert abs(partial_spearman(score, monk, age, male)) <= 0.25, region


def test_no_tone_band_reads_far_less_nose_shine(london_set) -> None:
    """Median nose shine per pooled Monk band within 0.75-1.33x of the set's median (neutral
    34.6 / 32.4 / 30.6 / 28.1 against 32.2; it was 75 / 67 / 56 / 36 against 64)."""
    score, monk, *_ = tone_table(london_set, "shine", "nose")
    median = float(np.median(score))
    per_band = band_medians(score, monk)
    assert min(per_band.values()) >= 0.75 * median, (median, per_band)
    assert max(per_band.values()) <= 1.33 * median, (median, per_band)


def test_forehead_shine_leans_no_further_on_tone(london_set) -> None:
    """Not flat: the darkest faces' foreheads carry highlights that the lighter ones do not show
    in linear light at all (+0.35 neutral, +0.36 smiling; +0.44, +0.47 before). A guard, not a
    claim of flatness."""
    score, monk, age, male = tone_table(london_set, "shine", "forehead")
    assert partial_spearman(score, monk, age, male) <= 0.4


def test_shine_repeats_between_neutral_and_smiling(london_results, smiling_results) -> None:
    """The same person minutes apart: Spearman of the whole-face shine 0.88 (0.76 before), the
    nose's median change 3.3 points (4.9 before)."""
    both = [face for face in london_results if face in smiling_results]
    assert len(both) >= 100
    found = {
        region: np.array(
            [
                [
                    shot[face].result.concern("shine").regions.get(region, np.nan)
                    if region
                    else shot[face].result.concern("shine").score
                    for shot in (london_results, smiling_results)
                ]
                for face in both
            ]
        )
        for region in (None, "nose")
    }
    whole = found[None]
    assert spearman(whole[:, 0], whole[:, 1]) >= 0.8
    nose = found["nose"][np.isfinite(found["nose"]).all(axis=1)]
    assert np.median(np.abs(nose[:, 0] - nose[:, 1])) <= 4.0


def planted_photos(results) -> list:
    faces = sorted(results.values(), key=lambda face: face.face_id)
    faces = [face for face in faces if face.face_id not in FRINGES]  # no forehead to plant on
    picked = []
    for low, high in TONE_BANDS.values():
        picked += [f for f in faces if low <= f.result.tone.monk <= high][:PER_BAND]
    return picked


def test_a_planted_white_film_reads_alike_on_every_tone(london_results) -> None:
    """A film adding 0.4 of the light at its highlights' cores, over about 4 % of the nose and
    the forehead, on two photos of each pooled Monk band: every photo's nose and forehead read
    50 or more, and the bands' mean scores are within 1.35x of each other per region (nose
    62-76, forehead 58-73 here). A weaker film (0.25) reads less on light skin than on dark:
    the shading allowance; docs/benchmarks.md has the table."""
    scores: dict[str, dict[str, list[float]]] = {"nose": {}, "forehead": {}}
    for face in planted_photos(london_results):
        rng = np.random.default_rng(int(face.face_id))
        points = face.landmarker.faces[0]
        planted = planting.plant_white_film(face.rgb, points, ("nose", "forehead"), rng, FILM)
        found = analyse_image(planted, face.landmarker).concern("shine").regions
        band = next(n for n, (lo, hi) in TONE_BANDS.items() if lo <= face.result.tone.monk <= hi)
        for region, per_band in scores.items():
            per_band.setdefault(band, []).append(found[region])
        assert min(found["nose"], found["forehead"]) >= 50, (face.face_id, found)
    for region, per_band in scores.items():
        means = [float(np.mean(values)) for values in per_band.values()]
        assert len(means) == len(TONE_BANDS)
        assert max(means) <= 1.35 * min(means), (region, per_band)
