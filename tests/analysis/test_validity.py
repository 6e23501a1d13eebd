"""The validity gate on the real London faces and degraded copies; score bands and ranges;
redness flat across skin tones; results in plain words (issue 12, points 4-6)."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pytest

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import plain
from metskin.domain.analysis.engine import analyse_frames, analyse_image
from metskin.domain.analysis.model import score_band
from metskin.domain.analysis.overlay import CONCERN_COLOURS, heat_strength, legend_label
from metskin.graphql.analysis.types import result_from_dict
from tests.analysis.degrade import VARIANTS, blurred, closed_eyes, closed_lids
from tests.analysis.london import jumps
from tests.analysis.planting import plant_flushing, plant_papules, plant_redness
from tests.fakes.infra import FakeLandmarker

JARGON = re.compile(r"a\*|L\*|\biod\b|baseline|gain|blob|delta|_|\^|specular|eye distance")
SCALED = {"downscaled x0.6": 0.6, "downscaled x0.3": 0.3}


def analyse(rgb: np.ndarray, points: np.ndarray, factor: float = 1.0):
    scaled = points * np.array([factor, factor, factor], dtype=np.float32)
    return analyse_image(rgb, FakeLandmarker([scaled]))


def variant(name: str, path, points):
    rgb = VARIANTS[name](load_image(path), points, int(path.name[:3]))
    if name == "80x80":
        return analyse(rgb, points, 80 / load_image(path).shape[1])
    return analyse(rgb, points, SCALED.get(name, 1.0))


def test_real_faces_are_not_blocked(every_london_result) -> None:
    blocked = [
        (path.name, [i.code for i in result.quality])
        for path, _, result in every_london_result
        if not result.ok
    ]
    assert len(every_london_result) >= 200
    assert not blocked  # false-block rate on the 102 neutral + 102 smiling faces: 0


def test_a_strongly_compressed_photo_is_named(every_london_result, london_cases) -> None:
    """COMPRESSED, a warning (`compression.py`): on none of the 204 photos as the camera saved
    them (JPEG q90-92; blockiness at most 1.32), on every 8th re-saved at q40 (1.52 and up)."""
    named = [p.name for p, _, r in every_london_result if "COMPRESSED" in issue_codes(r)]
    assert not named
    sample = london_cases[::8]
    results = [variant("JPEG q40", path, points) for path, _, points in sample]
    assert all("COMPRESSED" in issue_codes(result) for result in results)
    assert all(not i.blocking for r in results for i in r.quality if i.code == "COMPRESSED")
    for result in results:  # compression adds pits and lines: their ranges reach lower
        for name in ("pores", "wrinkles"):
            low, high = result.concern(name).score_range
            assert low <= max(0.0, result.concern(name).score - 8.0) and high > low


def issue_codes(result) -> set[str]:
    return {item.code for item in result.quality}


@pytest.mark.parametrize("name", ["JPEG q40", "downscaled x0.6", "mild smoothing"])
def test_ordinary_degradations_are_not_blocked(london_cases, name) -> None:
    sample = london_cases[::8]
    blocked = [path.name for path, _, points in sample if not variant(name, path, points).ok]
    assert len(blocked) <= 0.1 * len(sample), blocked


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("80x80", "LOW_RESOLUTION"),
        ("downscaled x0.3", "LOW_RESOLUTION"),
        ("beauty filter", "FILTER_SUSPECTED"),
        ("blur sigma 2.5 px", "BLURRY"),
        ("glasses glare", "GLASSES_GLARE"),
        ("black and white", "NO_COLOUR"),
        ("face mask (blue)", "FACE_COVERED"),
        ("face mask (white)", "FACE_COVERED"),
        ("sunglasses", "EYES_COVERED"),
        ("cut below the nose", "FACE_CUT_OFF"),
    ],
)
def test_unfit_copies_block_with_guidance(london_cases, name, code) -> None:
    sample = london_cases[::25]
    other_reason = []
    for path, _, points in sample:
        result = variant(name, path, points)
        found = {i.code: i for i in result.quality if i.blocking}
        assert not result.ok and found, (path.name, result.quality)
        assert result.tone is None and result.concerns == ()
        assert "could not measure" in plain.summary(result.to_dict())
        for item in found.values():
            assert item.guidance and not JARGON.search(item.message)
        if code not in found:
            other_reason.append((path.name, sorted(found)))
        elif code == "GLASSES_GLARE":  # the glare, not the exposure, made the eyes white
            assert "OVEREXPOSED" not in {item.code for item in result.quality}
    # Known: a beauty filter smooths the whites of the eyes into the lids too, and the exposure
    # check (run first) then reads them dim before a bright wall: BACKLIT (070 smiling). A blur
    # did that as TOO_DARK; it now blocks as BLURRY (below).
    assert len(other_reason) <= (1 if name == "beauty filter" else 0), other_reason


@pytest.mark.parametrize("sigma", [2.5, 4.0])
def test_a_blurred_photo_is_refused_for_its_blur(london_cases, sigma) -> None:
    """A blurred photo was refused as TOO_DARK (its blurred whites of the eyes read dim: 2 of 26
    faces at 2.5 px, 8 of 26 at 4 px, a sample of every 4th) or as smoothed by a filter (the
    rest), and BLURRY, a warning, was not shown: the page shows what blocks. Now the blur
    blocks, alone, with its advice (hold still, focus, more light). (A milder blur that leaves
    the skin's texture, 1.5 px on some faces, is measured with the BLURRY warning, as before.)"""
    blur = blurred(sigma)
    for path, _, points in london_cases[::9]:
        result = analyse(blur(load_image(path), points, 0), points)
        blocking = [item.code for item in result.quality if item.blocking]
        assert blocking == ["BLURRY"], (path.name, result.quality)
        assert "BLURRY" not in [item.code for item in result.quality if not item.blocking]


def test_a_blurred_photo_s_lines_and_pores_ranges_hold_the_sharp_photo_s(london_cases) -> None:
    """A photo blurred by 1 px is measured with the BLURRY warning (tone barely moves), but its
    lines read a median 10 points higher (the line detector reads ridges against the skin's
    fine texture, which the blur takes first) and its pores lower. Their ranges said nothing of
    it: the sharp photo's lines lay above the blurred copy's range on most faces. Now the
    ranges reach as far as the blurred London copies moved (`quality.BLUR_RISE`, `BLUR_FALL`)."""
    named = outside = 0
    for path, _, points in london_cases[::7]:
        sharp = analyse(load_image(path), points)
        copy = analyse(blurred(1.0)(load_image(path), points, 0), points)
        if not (sharp.ok and copy.ok and "BLURRY" in issue_codes(copy)):
            continue
        named += 1
        assert not [item for item in copy.quality if item.code == "BLURRY" and item.blocking]
        for name in ("wrinkles", "pores"):
            low, high = copy.concern(name).score_range
            outside += not low - 0.5 <= sharp.concern(name).score <= high + 0.5
    assert named >= 5, named
    assert outside <= 0.1 * 2 * named, (outside, named)


def test_glare_on_glasses_is_named_not_taken_for_overexposure(london_cases) -> None:
    """A lens reflection over the eyes blows their whites out; before, 30 of 102 such copies
    were refused as OVEREXPOSED only (advice: less light) and 40 carried both codes."""
    for path, _, points in london_cases[::6]:
        codes = {item.code for item in variant("glasses glare", path, points).quality}
        assert "GLASSES_GLARE" in codes and "OVEREXPOSED" not in codes, (path.name, codes)


@pytest.mark.parametrize(
    ("name", "code"), [("face mask (blue)", "FACE_COVERED"), ("sunglasses", "EYES_COVERED")]
)
def test_covered_faces_are_named_not_measured(london_cases, name, code) -> None:
    """A face mask was measured as skin (ITA 70-130 deg off, dark circles up to 100, no issue)
    and sunglasses were refused as TOO_DARK (advice: more light); each now blocks with its own
    code, and nothing else blocks (the exposure is fine)."""
    for path, _, points in london_cases[::9]:
        result = variant(name, path, points)
        blocking = {item.code for item in result.quality if item.blocking}
        assert blocking == {code}, (path.name, result.quality)


@pytest.mark.parametrize("name", ["beard (dark)", "beard (grey)"])
def test_a_beard_is_not_taken_for_a_face_mask(london_cases, name) -> None:
    """A beard covers the chin and the cheeks as a mask does, but not the nose."""
    for path, _, points in london_cases[::9]:
        codes = {item.code for item in variant(name, path, points).quality}
        assert "FACE_COVERED" not in codes, (path.name, codes)


def test_a_beard_is_not_read_as_skin(london_cases, london_results, smiling_results) -> None:
    """Hair below the nose that is not dark enough for the hair mask was measured as skin: face
    037's short beard (a real one) read as dark spots on the chin (93.6) and pulled ITA down by
    11-13 deg, by a different amount in each shot; a planted grey beard moved ITA by a median
    20 deg. The beard's pixels are now left out (`face_image.beard_mask`); the rest of 037's chin
    is stubble, where no spot is read, so the chin has no dark-spot score at all."""
    shots = [london_results["037"].result, smiling_results["037"].result]
    assert all("chin" not in shot.concern("pigmentation").regions for shot in shots)
    # 14.0 and 17.7 before; 26.7 and 28.6 on the skin left, 22.4 and 24.5 since the tone adds
    # back the shaded edge of the face the beard hides (`tone.hidden_lift`)
    assert all(shot.tone.ita_deg > 21 for shot in shots)
    assert abs(shots[0].tone.ita_deg - shots[1].tone.ita_deg) < 2.5  # 3.7 before
    changes = []
    for path, _, points in london_cases[::9]:
        taken = analyse(load_image(path), points).tone
        changes.append(abs(variant("beard (grey)", path, points).tone.ita_deg - taken.ita_deg))
    assert np.median(changes) < 8.0, changes  # a median 5.7 on all 204 photos


def test_coverings_are_found_on_the_darkest_skin(london_cases, every_london_result) -> None:
    """The covering test's distances (10 in a*, b*) were close to the whole chroma of dark skin.
    On the 15 Monk 8-9 photos, with their landmarks as taken, white and black masks were refused
    on 11 and 13 and a grey beard moved ITA by a median 12.9 deg (M9 38 deg with the landmarks
    found again). The distances now shrink with the forehead's chroma
    (`covering.chroma_scale`)."""
    darkest = [
        case
        for case, (_, _, result) in zip(london_cases, every_london_result, strict=True)
        if result.tone.monk >= 8
    ]
    assert len(darkest) >= 12
    for name in ("face mask (white)", "face mask (black)"):
        refused = [
            "FACE_COVERED" in {i.code for i in variant(name, path, points).quality if i.blocking}
            for path, _, points in darkest
        ]
        assert np.mean(refused) >= 0.9, (name, refused)  # 15 of 15 now
    changes = []
    for path, _, points in darkest:
        taken = analyse(load_image(path), points).tone
        changes.append(abs(variant("beard (grey)", path, points).tone.ita_deg - taken.ita_deg))
    assert np.median(changes) < 10.0, changes  # 6.7 now


def test_a_fringe_is_not_read_as_forehead_skin(london_results, smiling_results) -> None:
    """Faces 003 and 143 have a real fringe over the forehead: its strands were read as skin,
    and the forehead scored 99-100 for dark spots and 80-97 for lines. A forehead mostly under
    hair is now not read (`face_image.fringe_mask`), and no London photo keeps a forehead
    score of dark spots at the edge of the hair."""
    for face in ("003", "143"):
        result = london_results[face].result
        assert result.concern("pigmentation").regions.get("forehead") is None, face
        assert result.concern("wrinkles").regions.get("forehead") is None, face
    foreheads = [
        shots[face].result.concern("pigmentation").regions.get("forehead") or 0.0
        for shots in (london_results, smiling_results)
        for face in shots
    ]
    assert np.mean(foreheads) < 3.0  # 5.6 before, with false spots along the temples' hair


@pytest.mark.parametrize("name", ["fringe (half the forehead)", "fringe (black)"])
def test_a_painted_fringe_is_left_out(london_cases, name) -> None:
    """Dark-brown or black hair painted over the upper half of the forehead, with a soft edge
    and loose strands: it was read as forehead skin, its edge as dark spots and lines (median
    forehead scores over the 204 photos: brown 98.6 and 48.4, black 99.8 and 30.8). Now left out
    on most faces."""
    spots, lines, changes = [], [], []
    for path, _, points in london_cases[::9]:
        result = variant(name, path, points)
        assert result.ok, (path.name, result.quality)
        spots.append(result.concern("pigmentation").regions.get("forehead") or 0.0)
        lines.append(result.concern("wrinkles").regions.get("forehead") or 0.0)
        changes.append(abs(result.tone.ita_deg - analyse(load_image(path), points).tone.ita_deg))
    assert np.median(spots) < 10.0, spots  # 0 on all 204 photos now
    assert np.median(lines) < 10.0, lines  # 0 now
    assert np.median(changes) < 3.0, changes  # 1.7-1.8 now, 1.9 before


def test_dark_spots_at_the_skins_edge_are_not_scored(london_results, smiling_results) -> None:
    """The dark rim of a nostril, the fold of the nose's wing or an eye's corner read as a dark
    spot, and one spot takes a region to 100: the nose scored 100 in one of a person's two
    shots and 0 in the other for 28 of the 102 London people (9 with the edge rule, 2 since
    the nose wing's shaded side, a band over 3:1, is not a spot either); 56 of the 204 photos
    had a whole-face dark-spot score above 10 (28, then 17)."""
    nose = jumps(london_results, smiling_results, "pigmentation", "nose")
    assert len(nose) <= 5, nose
    scores = [
        shots[face].result.concern("pigmentation").score
        for shots in (london_results, smiling_results)
        for face in shots
    ]
    assert sum(score > 10 for score in scores) <= 25


def test_a_region_scores_dark_spots_only_where_the_card_lists_one(
    london_results, smiling_results
) -> None:
    """A dark blob that cannot be measured whole runs on into a fold, a shadow or the skin's
    edge (`spots._measure`). The spots card left it out but the score counted it: the shade
    under 139's nose tip scored the nose 100 and the cleft of 138's chin scored the chin 79
    while the card said no spot was measured, and a 1980s portrait of an older woman
    (matplotlib's sample) read "moderate" dark spots from the folds of her skin and the
    bridge of her glasses, with none on the card."""
    for shots in (london_results, smiling_results):
        for face in shots.values():
            result = face.result
            listed = {s.region for s in result.spots or () if s.area_mm2 is not None}
            scored = result.concern("pigmentation").regions
            assert {name for name, value in scored.items() if value > 0} <= listed, face.path


def test_a_smile_is_named_where_it_reads_as_lines(london_results, smiling_results) -> None:
    """A smile folds the skin around the mouth and the eyes, and the folds read as lines: the
    smiling London shots flagged SMILING read their smile-line and crow's feet regions a mean 18
    points above the same person's neutral shot, the others 8 (25 and 6 when this test was
    written, before the lines' later rules; 18.6 and 7.4 before no line was read under
    stubble). No neutral shot is flagged; the photo is still measured (a warning)."""
    regions = ("nasolabial_left", "nasolabial_right", "periorbital_left", "periorbital_right")
    flagged, others = [], []
    for face, neutral in london_results.items():
        assert "SMILING" not in {item.code for item in neutral.result.quality}, face
        smiling = smiling_results[face].result
        rise = np.mean(
            [
                smiling.concern("wrinkles").regions[name]
                - neutral.result.concern("wrinkles").regions[name]
                for name in regions
            ]
        )
        codes = {item.code: item for item in smiling.quality}
        (flagged if "SMILING" in codes else others).append(rise)
        assert smiling.ok and ("SMILING" not in codes or not codes["SMILING"].blocking)
    assert len(flagged) >= 0.55 * len(london_results)  # 65 of 102
    assert np.mean(flagged) > np.mean(others) + 10.0  # 18.3 against 8.2


def test_a_tilted_head_smiles_as_much(london_cases) -> None:
    """`landmarks.smile` reads heights across the line of the eyes: rolling the head does not
    change it."""
    for _, _, points in london_cases[::17]:
        angle = np.radians(12.0)
        turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        rolled = points.copy()
        rolled[:, :2] = points[:, :2] @ turn.T
        assert lm.smile(rolled) == pytest.approx(lm.smile(points), abs=1e-4)


def test_closed_eyes_are_measured_without_the_eyes(london_cases) -> None:
    """With the eyes closed, their lids' skin was read as the whites of the eyes: painted over
    with lid skin, 16 of 26 faces were refused as TOO_DARK or EYES_COVERED. Closed lids (eye
    openness below 0.12; 0.20 and up on every London photo) now leave the eyes unread and warn."""
    for path, _, points in london_cases[::25]:
        rgb = load_image(path)
        taken = analyse(rgb, points).tone
        result = analyse(closed_eyes(rgb, points, 0), closed_lids(points))
        codes = {item.code: item.blocking for item in result.quality}
        assert result.ok and codes.get("EYES_CLOSED") is False, (path.name, codes)
        assert abs(result.tone.ita_deg - taken.ita_deg) < 4.0, path.name


def test_no_london_photo_reads_as_eyes_closed(every_london_result) -> None:
    closed = [path.name for path, _, result in every_london_result
              if any(item.code == "EYES_CLOSED" for item in result.quality)]  # fmt: skip
    assert not closed


def test_a_close_up_without_the_chin_is_measured_with_a_warning(london_cases) -> None:
    """A face cut at the lower lip keeps 81-95 % of its outline in the picture and reads within a
    few degrees; it is measured and warned. Cut at the tip of the nose (55-71 %) it blocks."""
    warned = 0
    for path, _, points in london_cases[::25]:
        result = variant("cut below the lips", path, points)
        codes = {item.code: item.blocking for item in result.quality}
        assert result.ok and codes.get("FACE_CUT_OFF", False) is False, (path.name, codes)
        warned += "FACE_CUT_OFF" in codes
    assert warned >= 5  # of 9: the rest keep 90 % of the outline


def test_noise_does_not_make_dark_spots(london_cases, every_london_result) -> None:
    """Noise of 8 levels and JPEG q85 (texture 3.5-4.5 against 0.4-1.5 as taken) found about 6
    false dark spots a face and doubled the score before the spots took their noise floor from
    the fine texture; its copies stay measured."""
    taken = {path: result for path, _, result in every_london_result}
    added, rises = [], []
    for path, _, points in london_cases[:102:6]:
        before = taken[path].concern("pigmentation")
        after = variant("sensor noise 8", path, points).concern("pigmentation")
        added.append(after.measurements["spot_count"] - before.measurements["spot_count"])
        rises.append(after.score - before.score)
    assert np.mean(added) <= 1.0, added
    assert np.mean(rises) <= 5.0, rises


def test_side_light_warns_and_reads_the_lit_half(london_cases, every_london_result) -> None:
    """One half of the face in shade, down to 1/8 of the light at its far edge: the photo stays
    measured, warns UNEVEN_LIGHT, and its tone leans on the lit half (before: no warning, ITA
    6.0 deg lower in the median). No photo as taken warns (their halves differ by 0.35 stop at
    most)."""
    assert not any(
        item.code == "UNEVEN_LIGHT"
        for _, _, result in every_london_result
        for item in result.quality
    )
    taken = {path: result for path, _, result in every_london_result}
    warned, changes = 0, []
    sample = london_cases[:102:10]
    for path, _, points in sample:
        result = variant("side shade 1/8", path, points)
        assert result.ok and result.tone is not None, result.quality
        warned += any(item.code == "UNEVEN_LIGHT" for item in result.quality)
        changes.append(abs(result.tone.ita_deg - taken[path].tone.ita_deg))  # type: ignore[union-attr]
    assert warned >= 0.7 * len(sample)
    assert float(np.median(changes)) <= 5.0, changes


def test_every_score_has_a_band_and_a_range(every_london_result) -> None:
    for _, _, result in every_london_result[::10]:
        for concern in result.concerns:
            low, high = concern.score_range
            assert low <= concern.score <= high and high - low >= 3.0
            assert concern.to_dict()["band"] == score_band(concern.score)
    # the bands' edges: tests/unit/i18n/test_result_words.py


def group_means(results, concern: str) -> dict[str, float]:
    scores = defaultdict(list)
    for _, group, result in results:
        scores[group].append(result.concern(concern).score)
    return {group: float(np.mean(values)) for group, values in scores.items() if len(values) > 8}


def test_redness_of_normal_skin_does_not_follow_tone(every_london_result) -> None:
    means = group_means(every_london_result, "redness")
    assert max(means.values()) - min(means.values()) < 6.0, means
    assert all(value < 15.0 for value in means.values()), means  # band "none" on average
    itas = np.array([r.tone.ita_deg for _, _, r in every_london_result])
    redness = np.array([r.concern("redness").score for _, _, r in every_london_result])
    assert abs(np.corrcoef(itas, redness)[0, 1]) < 0.3


@pytest.mark.parametrize(("concern", "ceiling"), [("redness", 5.0), ("acne", 1.0)])
def test_normal_skin_scores_are_flat_across_monk_tones(every_london_result, concern, ceiling):
    """Per Monk tone (the engine's, on each of the 204 photos; tones with 3 or more photos),
    normal skin scores about the same: redness 1.3-2.8 on M2-M9 and acne 0 on every tone
    (bench/london_tone.py, "Concern scores of normal skin per Monk tone")."""
    by_tone = defaultdict(list)
    for _, _, result in every_london_result:
        by_tone[result.tone.monk].append(result.concern(concern).score)
    means = {tone: float(np.mean(values)) for tone, values in by_tone.items() if len(values) >= 3}
    assert len(means) >= 6 and min(means) <= 3 and max(means) >= 8, means
    assert max(means.values()) <= ceiling and max(means.values()) - min(means.values()) < 3.0


def test_planted_lesions_are_found_on_every_tone(london_cases) -> None:
    found = defaultdict(list)
    for path, group, points in london_cases[:102:6]:
        base = load_image(path)
        rng = np.random.default_rng(int(path.name[:3]))
        sick = plant_redness(
            plant_papules(base, points, "cheek_right", rng), points, "cheek_left", rng
        )
        before, after = analyse(base, points), analyse(sick, points)
        found[group].append(
            (
                after.concern("acne").measurements["lesion_count"]
                - before.concern("acne").measurements["lesion_count"],
                after.concern("redness").regions["cheek_left"]
                - before.concern("redness").regions["cheek_left"],
            )
        )
    for group, rows in found.items():
        lesions, redder = np.array(rows).T
        assert np.mean(lesions >= 2) >= 0.8, (group, lesions)
        assert np.median(redder) > 15.0, (group, redder)


def test_diffuse_flushing_separates_from_normal_skin(london_cases, every_london_result) -> None:
    """Rosacea-like flushing (cheeks and nose, a* +4..8) planted on real faces of every group
    scores above normal skin: the diffuse term (NORMAL_CENTRAL_A) sees what the person's own
    median hides. Measured AUC 0.99 on 34 flushed faces against 204 normal photos."""
    normal = np.array([r.concern("redness").score for _, _, r in every_london_result])
    flushed = []
    for index, (path, _, points) in enumerate(london_cases[:102:6]):
        rng = np.random.default_rng(index)
        sick = analyse(plant_flushing(load_image(path), points, rng), points)
        flushed.append(sick.concern("redness").score)
        assert sick.concern("redness").measurements["central_redness_sd"] > 1.5, path.name
    auc = np.mean([(f > n) + 0.5 * (f == n) for f in flushed for n in normal])
    assert auc >= 0.9, (auc, flushed)
    assert np.median(flushed) > 15.0, flushed


def test_results_read_in_plain_words(every_london_result) -> None:
    for _, _, result in every_london_result[::7]:
        stored = result.to_dict()
        graph = result_from_dict(stored)
        assert graph.summary and not JARGON.search(graph.summary)
        for concern in graph.concerns:
            assert concern.title and "_" not in concern.title
            assert concern.band in {"none", "mild", "moderate", "marked"}
            assert concern.meaning and concern.advice
            assert not JARGON.search(concern.explanation), concern.explanation
        pigmentation = next(c for c in graph.concerns if c.name == "pigmentation")
        count = len(graph.spots or [])
        assert (f"{count} spot" in pigmentation.explanation) or (
            count == 0 and pigmentation.explanation.startswith("No spots")
        )
        assert "Dark circles: " in legend_label(result.concern("dark_circles"))
        # a legend beside the overlay: each concern's swatch is its heat map's colour
        swatches = {c.name: c.overlay_colour for c in graph.concerns}
        assert len(set(swatches.values())) == len(swatches)
        for name, swatch in swatches.items():
            assert tuple(bytes.fromhex(swatch[1:])) == CONCERN_COLOURS[name]


def test_old_stored_results_still_read() -> None:
    old = {
        "ok": True,
        "confidence": 0.8,
        "quality": [],
        "tone": None,
        "skin_type": None,
        "concerns": {
            "dark_circles": {
                "name": "dark_circles",
                "score": 40.0,
                "regions": {"under_eye_left": 40.0},
                "measurements": {"delta_l_star_left": 7.5},
                "explanation": "under-eye L* below the cheek L*: delta_l_star_left 7.5",
            }
        },
    }
    concern = result_from_dict(old).concerns[0]
    assert (concern.title, concern.band, concern.score_low) == ("Dark circles", "moderate", None)
    assert "darker than your cheeks" in concern.explanation


def test_heat_maps_are_scaled_to_the_score() -> None:
    assert heat_strength(0.0) <= 0.1 and heat_strength(10.0) < 0.2
    assert heat_strength(60.0) == 1.0 == heat_strength(90.0)


def test_a_video_of_unfit_frames_says_why(london_cases) -> None:
    path, _, points = london_cases[0]
    small = VARIANTS["80x80"](load_image(path), points, 0)
    scaled = points * np.float32(80 / load_image(path).shape[1])
    result = analyse_frames([small] * 3, FakeLandmarker([scaled]))
    assert not result.ok and "LOW_RESOLUTION" in {i.code for i in result.quality if i.blocking}


def test_a_photo_smoothed_by_compression_is_blocked_as_compressed(london_results) -> None:
    """083 re-saved at JPEG q40 loses the fine texture that FILTER_SUSPECTED reads: blocked, as
    COMPRESSED, whose advice is to send the camera's own photo (a filter's would not help)."""
    face = london_results["083"]
    result = analyse_image(
        VARIANTS["JPEG q40"](face.rgb, face.landmarker.faces[0], 83), face.landmarker
    )
    assert not result.ok
    assert [
        (i.code, i.blocking) for i in result.quality if i.code in ("COMPRESSED", "FILTER_SUSPECTED")
    ] == [("COMPRESSED", True)]
