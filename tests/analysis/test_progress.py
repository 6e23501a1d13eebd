"""Progress on real faces (issue 16): the noise band (estimated on the odd London ids by
bench/progress_band.py) holds on the even ids, planted changes are found with the right sign
and region (single pairs and generated sequences of visits, with the triage trend), pure light
(relit, colour normalised) or camera changes read as no change, and a real change of the skin
still shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import mirror
from metskin.domain.analysis.colour import linear_to_srgb, srgb_to_linear
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.model import AnalysisResult
from metskin.domain.analysis.quality import MAX_SMILE
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.progress import alignment
from metskin.domain.progress.comparability import comparability
from metskin.domain.progress.deltas import (
    FACE,
    TONE,
    Change,
    photos_mirrored,
    readings,
    region_deltas,
)
from metskin.domain.progress.pictures import SIDE, picture_pair
from metskin.domain.referrals.snapshots import snapshot_from_result
from metskin.domain.referrals.trend import worsening
from tests.analysis.planting import plant_redness, plant_spots, region_in_image
from tests.analysis.synthetic import plant, under_light

PROBED = 4  # even faces probed with planted changes and pure light / camera changes


def readout(result: AnalysisResult) -> ResultReadout:
    return ResultReadout.from_stored(result.to_dict())


def calls(before: ResultReadout, after: ResultReadout) -> dict[tuple[str, str], Change]:
    return {(d.concern, d.region): d.change for d in region_deltas(before, after)}


@pytest.fixture(scope="module")
def held_out(london_results, smiling_results) -> list[tuple[str, ResultReadout, ResultReadout]]:
    return [
        (face_id, readout(face.result), readout(smiling_results[face_id].result))
        for face_id, face in sorted(london_results.items())
        if int(face_id) % 2 == 0
        and face_id in smiling_results
        and face.result.ok
        and smiling_results[face_id].result.ok
    ]


def test_same_visit_pairs_held_out_read_no_change(held_out) -> None:
    assert len(held_out) >= 40
    every = [calls(a, b) for _, a, b in held_out]
    called = sum(c is not Change.NO_CHANGE for found in every for c in found.values())
    total = sum(len(found) for found in every)
    assert called / total < 0.03  # 1.2 % measured (docs/benchmarks.md)
    whole_face = [
        any(c is not Change.NO_CHANGE for (_, region), c in found.items() if region == FACE)
        for found in every
    ]
    assert sum(whole_face) / len(whole_face) < 0.2  # 8 % measured


def smiles(item: ResultReadout) -> bool:
    assert item.capture is not None and item.capture.smile is not None
    return item.capture.smile > MAX_SMILE


def test_a_smile_in_one_photo_of_the_pair_is_flagged_as_the_expression(held_out) -> None:
    """Held-out same-visit pairs: both shots at rest (the smiling shot under MAX_SMILE: 15
    pairs) compare well (median 0.90, none flagged); against a smile that warns (37 pairs)
    the comparison is flagged with EXPRESSION named on most (31 flagged, 33 named)."""
    rest = [comparability(a, b) for _, a, b in held_out if not (smiles(a) or smiles(b))]
    smile = [comparability(a, b) for _, a, b in held_out if smiles(a) != smiles(b)]
    assert len(rest) >= 10 and len(smile) >= 25
    assert np.median([s.score for s in rest]) > 0.7 and not any(s.flagged for s in rest)
    assert sum("EXPRESSION" in s.reasons for s in smile) >= 0.75 * len(smile)
    assert sum(s.flagged for s in smile) >= 0.7 * len(smile)


@pytest.fixture(scope="module")
def probed(london_results, landmarker) -> list:
    return [
        face
        for face_id, face in sorted(london_results.items())
        if int(face_id) % 2 == 0 and face.result.ok
    ][:PROBED]


@pytest.mark.parametrize(
    ("plant", "concern", "region"),
    [
        (
            lambda rgb, pts, rng: plant_spots(rgb, pts, "cheek_left", rng),
            "pigmentation",
            "cheek_left",
        ),
        (
            lambda rgb, pts, rng: plant_redness(rgb, pts, "cheek_right", rng),
            "redness",
            "cheek_right",
        ),
    ],
    ids=["spots", "redness"],
)
def test_planted_change_is_found_with_its_sign_and_region(
    probed, landmarker, plant, concern, region
) -> None:
    found = 0
    for number, face in enumerate(probed):
        points = face.landmarker.faces[0]
        changed = analyse_image(plant(face.rgb, points, np.random.default_rng(number)), landmarker)
        before, after = readout(face.result), readout(changed)
        found += calls(before, after)[(concern, region)] is Change.INCREASED  # grows
        assert calls(after, before)[(concern, region)] is not Change.INCREASED  # fades: never up
    assert found >= PROBED - 1


def rolled(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 8.0, 0.8)
    return cv2.warpAffine(rgb, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)


@pytest.mark.parametrize(
    "change",
    [lambda rgb: under_light(rgb, "warm_4000k"), rolled],
    ids=["warm light", "camera rolled and further"],
)
def test_pure_light_or_camera_changes_read_as_no_change(probed, landmarker, change) -> None:
    """Whole-face calls on PROBED faces: at most one (the roll resamples face 004 and the acne
    detector then finds one lesion on its nose: 0 -> 4.9, beyond the band of 3)."""
    moved = []
    for face in probed:
        after = analyse_image(change(face.rgb), landmarker)
        assert after.ok
        found = calls(readout(face.result), readout(after))
        moved += [
            (face.face_id, *key)
            for key, c in found.items()
            if c is not Change.NO_CHANGE and key[1] == FACE
        ]
    assert len(moved) <= 1, moved


def test_the_mesh_warp_puts_a_moved_real_face_back_on_the_same_skin(probed, landmarker) -> None:
    """A London face rolled 8 degrees at 0.8 the size, warped back by the two landmark sets:
    the skin inside the earlier face's regions matches again (median |difference| of grey)."""
    for face in probed:
        moved = rolled(face.rgb)
        earlier = face.landmarker.faces[0]
        (later,) = landmarker.detect(moved)
        back = alignment.warp_mesh(moved, later, earlier, face.rgb.shape)
        skin = np.logical_or.reduce(
            [region_in_image(earlier, face.rgb.shape, name) for name in ("cheek_left", "forehead")]
        )
        grey = [image[skin].astype(float).mean(axis=1) for image in (face.rgb, moved, back)]
        unaligned = np.median(np.abs(grey[1] - grey[0]))
        aligned = np.median(np.abs(grey[2] - grey[0]))
        assert aligned < 0.5 * unaligned and aligned < 6.0, (face.face_id, aligned, unaligned)


def tone_calls(before: ResultReadout, after: ResultReadout, normalised: bool) -> int:
    """Tone values (every region and the face) called a change, with or without the colour
    normalisation on the whites of the eyes."""
    if normalised:
        return sum(
            d.change is not Change.NO_CHANGE
            for d in region_deltas(before, after)
            if d.concern == TONE
        )
    bands = {(d.concern, d.region): d.band for d in region_deltas(before, after)}
    first, second = readings(before), readings(after)
    return sum(
        abs(second[key] - first[key]) > bands[key]
        for key in first.keys() & second.keys() & bands.keys()
        if key[0] == TONE
    )


@pytest.mark.parametrize(
    ("illuminant", "exposure"), [("neutral", 0.7), ("neutral", 1.3), ("warm_4000k", 0.75)]
)
def test_a_relit_face_keeps_its_tone_once_colour_is_normalised(
    probed, landmarker, illuminant, exposure
) -> None:
    """A London face under less or more light (and a warm cast): the later photo's colour is
    brought into the earlier one's light by the whites of the eyes, so tone reads no change in
    every region; without the normalisation the same pairs call changes."""
    raw = normalised = compared = 0
    for face in probed:
        after = analyse_image(under_light(face.rgb, illuminant, exposure=exposure), landmarker)
        if not after.ok:
            continue
        before, later = readout(face.result), readout(after)
        compared += 1
        normalised += tone_calls(before, later, normalised=True)
        raw += tone_calls(before, later, normalised=False)
    assert compared >= PROBED - 1
    assert normalised == 0, normalised
    assert raw >= compared  # the light change alone moves tone beyond the band


def test_a_real_change_of_the_skin_still_shows_after_normalisation(probed, landmarker) -> None:
    """The skin darkened (a tan: 0.7 of the light on the skin, the eyes as they were): tone
    reads darker on the cheeks, because the eyes are the reference, not the skin."""
    found = 0
    for face in probed:
        points = face.landmarker.faces[0]
        skin = np.logical_or.reduce(
            [
                region_in_image(points, face.rgb.shape, name)
                for name in ("cheek_left", "cheek_right", "forehead", "nose", "chin")
            ]
        )
        linear = srgb_to_linear(face.rgb)
        linear[skin] *= 0.7
        tanned = np.round(np.clip(linear_to_srgb(linear), 0, 1) * 255).astype(np.uint8)
        changed = analyse_image(tanned, landmarker)
        found += calls(readout(face.result), readout(changed))[(TONE, "cheek_left")] is (
            Change.DECREASED
        )
    assert found >= PROBED - 1


def visits(face, landmarker, strengths, draw) -> list[ResultReadout]:
    """A generated sequence of visits: the face with `draw(rgb, points, strength)` at each
    strength, analysed; a strength of 0 is the photo as taken."""
    points = face.landmarker.faces[0]
    found = []
    for strength in strengths:
        rgb = draw(face.rgb, points, strength) if strength else face.rgb
        result = analyse_image(rgb, landmarker) if strength else face.result
        assert result.ok
        found.append(readout(result))
    return found


def centre_of(points: np.ndarray, shape: tuple[int, ...], region: str) -> tuple[int, int]:
    ys, xs = np.nonzero(region_in_image(points, shape, region))
    return int(xs.mean()), int(ys.mean())


def redness(rgb: np.ndarray, points: np.ndarray, strength: float) -> np.ndarray:
    radius = lm.eye_distance(points) * 0.45
    centre = centre_of(points, rgb.shape, "cheek_right")
    return plant(rgb, centre, radius, (-1.0, strength, 1.0), sharpness=0.2)


def spot(rgb: np.ndarray, points: np.ndarray, size: float) -> np.ndarray:
    centre = centre_of(points, rgb.shape, "cheek_left")
    return plant(rgb, centre, lm.eye_distance(points) * size, (-18.0, 1.0, 3.0))


def test_generated_sequences_find_growth_and_fading_with_their_sign_region_and_trend(
    probed, landmarker
) -> None:
    """Three visits four weeks apart: redness that grows on the right cheek (a*: 0, +8, +15)
    is called INCREASED there and makes a worsening trend for triage; the same visits in
    reverse (redness that fades) are DECREASED with no trend; a dark spot that grows on the
    left cheek (radius 0, 5 %, 9 % of the eye distance) reads as more pigmentation there."""
    start = datetime(2026, 1, 5, tzinfo=UTC)
    grew = faded = trends = spots = 0
    for face in probed:
        seq = visits(face, landmarker, [0, 8.0, 15.0], redness)
        grew += calls(seq[0], seq[-1])[("redness", "cheek_right")] is Change.INCREASED
        faded += calls(seq[-1], seq[0])[("redness", "cheek_right")] is Change.DECREASED
        snaps = [snapshot_from_result(start + timedelta(weeks=4 * i), r) for i, r in enumerate(seq)]
        found = worsening(snaps[-1], snaps[:-1])
        trends += found is not None and found.concern == "redness"
        back = [
            snapshot_from_result(s.taken_at, r) for s, r in zip(snaps, reversed(seq), strict=True)
        ]
        assert (
            worsening(back[-1], back[:-1]) is None
            or worsening(back[-1], back[:-1]).concern != "redness"
        )
        growing = visits(face, landmarker, [0, 0.05, 0.09], spot)
        pigment = [r.concerns["pigmentation"].regions.get("cheek_left", 0.0) for r in growing]
        spots += (
            pigment[-1] > pigment[0]
            and calls(growing[0], growing[-1])[("pigmentation", "cheek_left")]
            is not Change.DECREASED
        )
    assert grew >= PROBED - 1 and faded >= PROBED - 1
    assert trends >= PROBED - 1
    assert spots >= PROBED - 1


# --- a mirrored selfie (front cameras often save one flipped) ----------------------------------


@pytest.fixture(scope="module")
def mirrored_pairs(london_results, smiling_results, landmarker) -> list:
    """Every 3rd London face: neutral, smiling, and the smiling photo flipped left to right,
    as a front camera saves it (analysed anew, landmarks found on the flipped photo)."""
    found = []
    for face_id, face in sorted(london_results.items()):
        smile = smiling_results.get(face_id)
        if int(face_id) % 3 or smile is None or not (face.result.ok and smile.result.ok):
            continue
        flipped_rgb = np.ascontiguousarray(smile.rgb[:, ::-1])
        flipped = analyse_image(flipped_rgb, landmarker)
        if flipped.ok:
            found.append((face, smile, flipped_rgb, flipped))
    return found


def sided_calls(deltas) -> int:
    return sum(
        d.change is not Change.NO_CHANGE for d in deltas if mirror.other_side(d.region) != d.region
    )


def test_a_mirrored_selfie_is_told_by_the_spots_and_compared_side_for_side(mirrored_pairs):
    """Against the same person's photo of the same visit: as taken the spots say "as taken",
    flipped they say "mirrored" (or cannot tell, never the wrong way but by chance); the
    regions with a side then read the change they read as taken, and the pose compares as
    it does as taken. Measured on 36 pairs: 30 told
    as taken, 26 told mirrored, none wrong; on the 26, changes called in sided regions 3 as
    taken, 17 flipped and compared as named, 4 with the sides swapped."""
    assert len(mirrored_pairs) >= 30
    taken, flipped = [], []
    for face, smile, _, mirrored in mirrored_pairs:
        before = readout(face.result)
        taken.append(photos_mirrored(before, readout(smile.result)))
        flipped.append(photos_mirrored(before, readout(mirrored)))
    count = len(mirrored_pairs)
    assert taken.count(False) >= 0.7 * count and taken.count(True) <= 1, taken
    assert flipped.count(True) >= 0.6 * count and flipped.count(False) <= 1, flipped
    as_taken = as_named = swapped = 0
    for (face, smile, _, mirrored), told in zip(mirrored_pairs, flipped, strict=True):
        if told is not True:
            continue
        before, later = readout(face.result), readout(mirrored)
        as_taken += sided_calls(region_deltas(before, readout(smile.result)))
        as_named += sided_calls(region_deltas(before, later))
        swapped += sided_calls(region_deltas(before, later, mirrored=True))
    assert swapped <= as_taken + 3 and as_named >= swapped + 8, (as_taken, as_named, swapped)
    # the head's turn and tilt change sign in a mirror image: flipped back, the pose compares
    # as it does as taken (London, 76 pairs told: median pose factor 0.84 against 0.86 as
    # taken; read as they are 0.73, and 45 comparisons flagged against 41)
    poses = []
    for (face, smile, _, mirrored), told in zip(mirrored_pairs, flipped, strict=True):
        if told is True:
            before, later = readout(face.result), readout(mirrored)
            poses.append(
                [
                    comparability(before, readout(smile.result)).pose,
                    comparability(before, later).pose,
                    comparability(before, later, mirrored=True).pose,
                ]
            )
    taken_pose, named_pose, back_pose = np.median(poses, axis=0)
    assert back_pose >= taken_pose - 0.05 and named_pose < back_pose - 0.05, poses


def test_the_pictures_show_a_mirrored_selfie_the_right_way_round(mirrored_pairs) -> None:
    """The later face warped onto the earlier one: from the flipped photo, flipped back first,
    it matches the picture drawn from the photo as taken; drawn as it is, it does not (median
    grey difference in the picture's centre, faces 003-012: 1.3-2.7 against 8.3-13.3)."""
    for face, smile, flipped_rgb, mirrored in mirrored_pairs[:4]:
        points = face.landmarker.faces[0]
        flipped_points = np.array(mirrored.capture.landmarks)
        reference = picture_pair(face.rgb, points, smile.rgb, smile.landmarker.faces[0]).after
        grey = reference.astype(float).mean(axis=2)
        centre = (slice(SIDE // 5, SIDE * 4 // 5),) * 2
        gaps = []
        for flag in (True, False):
            drawn = picture_pair(face.rgb, points, flipped_rgb, flipped_points, mirrored=flag)
            gaps.append(np.median(np.abs(drawn.after.astype(float).mean(axis=2) - grey)[centre]))
        assert gaps[0] < 0.5 * gaps[1] and gaps[0] < 4.0, (face.face_id, gaps)
