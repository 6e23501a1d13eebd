"""Acne ranks severity the same way on every tone (issue 12, point 5): graded inflammatory acne
planted as blood in optical density on real London faces (`planting.plant_acne`: the same lesion
is less red in a* on darker skin, as real erythema is). The full table over 102 faces and five
grades: bench/acne_grades.py, docs/benchmarks.md "Acne across skin tones" and, for the photos
re-saved as JPEG, "Acne on photos saved as JPEG". A stand-in for clinically graded photos, which
this repository does not have."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis.engine import analyse_image
from tests.analysis import planting
from tests.analysis.rank_stats import spearman
from tests.analysis.synthetic import jpeg_round_trip

GRADES = (0, 2, 4)  # clear, mild (about 12 lesions), severe (about 64, nodules and clusters)


def graded_scores(
    london_results, quality: int = 0, where: str = "regions"
) -> list[tuple[int, int, float]]:
    """(Monk of the photo as taken, grade, acne score) for every darker face (Monk 6 and up:
    12 faces) and every 8th of the others; with `quality`, every photo re-saved as JPEG; the
    lesions planted `where` (`planting.acne_places`)."""
    faces = sorted(london_results.values(), key=lambda face: face.face_id)
    chosen = [
        face
        for index, face in enumerate(faces)
        if face.result.ok and (face.result.tone.monk >= 6 or index % 8 == 0)
    ]
    rows = []
    for face in chosen:
        points = face.landmarker.faces[0]
        for grade in GRADES:
            rng = np.random.default_rng(int(face.face_id))
            rgb = planting.plant_acne(face.rgb, points, grade, rng, where)
            if quality:
                rgb = jpeg_round_trip(rgb, quality)
            result = face.result if rgb is face.rgb else analyse_image(rgb, face.landmarker)
            rows.append((face.result.tone.monk, grade, result.concern("acne").score))
    return rows


def test_acne_score_ranks_planted_grades_on_every_tone(london_results) -> None:
    """Spearman with the grade over 5 grades and 102 faces: 0.92 (light M1-3 0.96, M6-10 0.88;
    before, with a fixed 5 a* threshold: 0.78 and 0.49). On these 24 faces 0.91, darker 0.89,
    lighter 0.95; severe acne scores 31 on darker skin and 53 on lighter: the old detector found
    no lesion on darker skin at any grade."""
    rows = np.array(graded_scores(london_results))
    monk, grade, score = rows.T
    darker = monk >= 6
    assert np.count_nonzero(darker & (grade == 0)) >= 8
    assert spearman(score, grade) >= 0.8
    assert spearman(score[darker], grade[darker]) >= 0.75
    assert spearman(score[~darker], grade[~darker]) >= 0.75
    severe_dark = float(np.median(score[darker & (grade == 4)]))
    severe_light = float(np.median(score[~darker & (grade == 4)]))
    assert severe_dark >= 25.0, severe_dark  # at least "mild" in words; before: 0
    assert severe_dark >= 0.5 * severe_light, (severe_dark, severe_light)
    assert float(np.max(score[grade == 0])) < 15.0  # clear skin stays "none"


def test_acne_score_ranks_planted_grades_saved_as_jpeg(london_results) -> None:
    """The same photos re-saved as JPEG q90, colour at half resolution, as phones save them:
    lesions of 1-2 mm lose half their a* contrast, so a* is read at the chroma scale with L* at
    full resolution. Over 102 faces Spearman 0.73, every Monk band at least 0.68 (before: 0.56,
    M6-10 0.39). On these 24 faces 0.74, darker 0.75, lighter 0.74 (before: 0.53, 0.43, 0.66;
    severe acne on darker skin scored 0, now 7)."""
    rows = np.array(graded_scores(london_results, quality=90))
    monk, grade, score = rows.T
    darker = monk >= 6
    assert spearman(score, grade) >= 0.65
    assert spearman(score[darker], grade[darker]) >= 0.55
    assert spearman(score[~darker], grade[~darker]) >= 0.7
    assert float(np.median(score[darker & (grade == 4)])) >= 5.0
    assert float(np.max(score[grade == 0])) < 15.0


def test_acne_on_the_jaw_and_around_the_mouth_is_scored(london_results) -> None:
    """Acne planted only on the lower face, outside the main regions (the jawline, the lower
    cheeks and around the mouth: `planting.acne_places("lower")`), scored 0 at every grade while
    acne was read on the main regions alone, which cover 46 % of the skin (Spearman 0.00 on
    every 4th London face, `bench/acne_grades.py --where lower`; 0.80 now, read over the whole
    face's skin by `scoring.zones`)."""
    rows = np.array(graded_scores(london_results, where="lower"))
    monk, grade, score = rows.T
    lighter = monk < 6
    assert spearman(score, grade) >= 0.6
    assert spearman(score[lighter], grade[lighter]) >= 0.75
    assert float(np.median(score[lighter & (grade == 4)])) >= 25.0  # "mild" at least; was 0
    assert float(np.max(score[grade == 0])) < 15.0


def test_normal_faces_rarely_show_a_red_bump(london_results) -> None:
    """The red rims of the eyes and lips are not acne: with candidates kept 0.03 eye distances
    inside the skin's edge (`concerns.ACNE_FEATURE_MARGIN`) and a blob's mean at 1.8 x the
    threshold, 3 of the 102 normal faces show a 'small red bump' (32 with neither, 12 with the
    margin alone), and none scores beyond 'none'."""
    counts = [
        face.result.concern("acne").measurements["lesion_count"] for face in london_results.values()
    ]
    assert np.mean(np.array(counts) >= 1) <= 0.08, counts
    assert max(face.result.concern("acne").score for face in london_results.values()) < 15.0


def test_large_inflamed_lesions_count_as_nodules(london_results) -> None:
    """Lesions 5 mm across or more (`concerns.NODULE_DIAMETER`) feed the referral's nodule red
    flag, which read a `nodule_count` the engine never wrote: none on the normal faces; severe
    planted acne (grade 4, with nodules) shows one on about half the faces."""
    faces = list(london_results.values())
    assert all(face.result.concern("acne").measurements["nodule_count"] == 0 for face in faces)
    severe = []
    for face in faces[::6]:
        rng = np.random.default_rng(int(face.face_id))
        rgb = planting.plant_acne(face.rgb, face.landmarker.faces[0], 4, rng)
        severe.append(
            analyse_image(rgb, face.landmarker).concern("acne").measurements["nodule_count"]
        )
    assert np.mean(np.array(severe) >= 1) >= 0.3, severe
