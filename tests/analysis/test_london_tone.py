"""Tone on real faces (issue 12): Monk per self-reported group, neutral vs smiling, exposure,
uncertainty. The London Set (CC BY 4.0) is read from ../shared/data and the tests skip without
it; the group is a sanity check, never a label the engine was fitted to."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime

import numpy as np
import pytest
from PIL import Image

from metskin.adapters.vision.engine import VisionEngine
from metskin.domain.analysis import colour, eyes, monk, quality, validity, white_reference
from metskin.domain.analysis.engine import analyse_frames, analyse_image, check_frame, small_copy
from metskin.domain.analysis.model import Tone
from metskin.domain.analysis.records import Media, MediaKind
from tests.analysis.conftest import RealFace
from tests.analysis.synthetic import ILLUMINANTS, normalised, under_light
from tests.media_samples import encode

EVERY = 4  # degraded copies are made of every 4th face (26 of 102), to keep the suite fast


def exposed(rgb: np.ndarray, factor: float) -> np.ndarray:
    """The photo with its linear light multiplied by `factor` (bench/london_tone.py also
    passes the copy through JPEG; the tests skip that to stay fast)."""
    linear = colour.srgb_to_linear(rgb) * factor
    return np.round(colour.linear_to_srgb(linear) * 255).astype(np.uint8)


def tones(faces: dict[str, RealFace]) -> dict[str, Tone]:
    return {key: face.result.tone for key, face in faces.items() if face.result.tone}


def test_the_monk_map_is_monotone_and_spans_the_scale() -> None:
    itas = np.linspace(-89.0, 89.0, 357)
    positions = [monk.monk_position(float(ita)) for ita in itas]
    assert all(b <= a for a, b in itertools.pairwise(positions))
    assert monk.monk_tone(89.0) == 1 and monk.monk_tone(-89.0) == 10
    assert list(monk.SWATCH_ITA) == sorted(monk.SWATCH_ITA, reverse=True)


def test_monk_on_real_faces_uses_the_scale_like_raters(london_results) -> None:
    """Self-reported white faces mostly Monk 1-4, black faces mostly 7-10 (81 % and 77 % with
    the engine's constants, 77 % and 77 % held out: docs/benchmarks.md), six or more values
    over the set, and never a darker tone for a higher ITA."""
    found = tones(london_results)
    by_group: dict[str, list[int]] = {}
    for key, tone in found.items():
        by_group.setdefault(london_results[key].group, []).append(tone.monk)
    assert np.mean([m <= 4 for m in by_group["white"]]) >= 0.75
    assert np.mean([m >= 7 for m in by_group["black"]]) >= 0.7
    assert max(by_group["white"]) <= 5 and min(by_group["black"]) >= 5
    assert len({tone.monk for tone in found.values()}) >= 6
    ordered = sorted(found.values(), key=lambda tone: tone.ita_deg)
    assert all(b.monk <= a.monk for a, b in itertools.pairwise(ordered))


def test_neutral_and_smiling_agree_within_one_monk_step(london_results, smiling_results) -> None:
    """Same person, same session, minutes apart. Monk moves by at most one step; ITA moves by
    a median of 1.8 deg, p90 5.7 (2.4 / 6.3 when the tone was the central band of the five
    regions; the issue's 1.0 / 3.0 is not met: the light on the face changes between shots;
    docs/benchmarks.md, fourth pass), and the change stays within twice the combined reported
    uncertainty for 90 % of the pairs."""
    neutral, smiling = tones(london_results), tones(smiling_results)
    pairs = [(neutral[key], smiling[key]) for key in smiling if key in neutral]
    assert len(pairs) >= 100
    changes = [abs(b.ita_deg - a.ita_deg) for a, b in pairs]
    assert max(abs(b.monk - a.monk) for a, b in pairs) <= 1
    assert np.median(changes) <= 2.0 and np.percentile(changes, 90) <= 6.2
    dark = [  # self-reported black faces moved most with the regions' central band (4.8 deg)
        abs(smiling[key].ita_deg - neutral[key].ita_deg)
        for key in smiling
        if key in neutral and london_results[key].group == "black"
    ]
    assert len(dark) >= 10 and np.median(dark) <= 3.5
    covered = [
        abs(b.ita_deg - a.ita_deg)
        <= 2 * math.hypot(a.ita_uncertainty_deg or 0.0, b.ita_uncertainty_deg or 0.0)
        for a, b in pairs
    ]
    assert np.mean(covered) >= 0.9


def test_every_tone_carries_its_uncertainty(london_results) -> None:
    for face in london_results.values():
        tone = face.result.tone
        assert tone is not None and tone.ita_uncertainty_deg is not None
        assert 0.3 < tone.ita_uncertainty_deg < 15.0
        assert tone.monk_range is not None and tone.monk_position is not None
        assert tone.monk_range[0] <= tone.monk <= tone.monk_range[1]
        assert abs(tone.monk_position - tone.monk) <= 0.5
        extra = face.result.to_dict()["tone_uncertainty"]
        assert extra["ita_uncertainty_deg"] == pytest.approx(tone.ita_uncertainty_deg, abs=0.01)
        assert set(face.result.to_dict()["tone"]) == {  # readers map these keys one to one
            "lab",
            "ita_deg",
            "fitzpatrick",
            "ita_category",
            "monk",
            "monk_delta_e",
            "undertone",
            "hue_deg",
            "confidence",
            "pixels",
            "white_balance_gains",
        }


def test_a_stored_tone_without_the_new_fields_still_reads() -> None:
    tone = Tone(
        lab=(60.0, 10.0, 15.0),
        ita_deg=33.7,
        fitzpatrick="III",
        ita_category="intermediate",
        monk=5,
        monk_delta_e=4.0,
        undertone="warm",
        hue_deg=56.0,
        confidence=0.8,
        pixels=5000,
        white_balance_gains=(1.0, 1.0, 1.0),
    )
    assert tone.ita_uncertainty_deg is None and tone.uncertainty_dict()["monk_range"] is None


@pytest.mark.parametrize("factor", [0.25**2.2, 0.25])  # 25 % brightness in sRGB, in linear
def test_face_030_far_too_dark_is_blocked_not_measured(london_results, factor) -> None:
    """The issue's face 030 at 25 % brightness came back ok, ITA -84 deg, Monk 10."""
    face = london_results["030"]
    result = analyse_image(exposed(face.rgb, factor), face.landmarker)
    assert not result.ok and result.tone is None
    dark = [item for item in result.quality if item.code == "TOO_DARK"]
    assert dark and dark[0].blocking and dark[0].guidance


def test_a_video_too_dark_in_every_frame_says_so(landmarker, london_results) -> None:
    frames = [exposed(london_results["030"].rgb, 0.2)] * 2
    result = analyse_frames(frames, landmarker)
    assert not result.ok
    assert [item.code for item in result.quality if item.blocking] == ["TOO_DARK"]


def test_underexposed_copies_are_blocked_by_the_whites_of_the_eyes(london_results) -> None:
    """x0.25 (two stops under) is blocked for every face; the whites of the eyes read below
    any London face as photographed (black faces included: -2.3 at the darkest)."""
    for face in list(london_results.values())[::EVERY]:
        result = analyse_image(exposed(face.rgb, 0.25), face.landmarker)
        assert not result.ok, face.face_id
        assert [item.code for item in result.quality if item.blocking] == ["TOO_DARK"]


def test_the_worker_stores_no_numbers_for_a_photo_the_gate_refused(london_results) -> None:
    """The worker's engine (`VisionEngine.run`, as the pipeline calls it) measured a photo the
    quality gate had refused (TOO_DARK, UNDEREXPOSED) all the same: the stored result had
    `ok`, a tone and seven concern scores beside the blocking issue, and the API gave them
    out. It now stores the issues alone, as `analyse_image` did."""
    for face in list(london_results.values())[:: EVERY * 3]:
        data = encode(Image.fromarray(exposed(face.rgb, 0.25)), "JPEG", quality=95)
        media = Media(
            "m1", "p1", MediaKind.PHOTO, "image/jpeg", len(data), face.rgb.shape[1],
            face.rgb.shape[0], "uploads/m1/original.jpg", "uploads/m1/thumbnail.jpg", "k", "s",
            datetime.now(UTC),
        )  # fmt: skip
        stored = VisionEngine(face.landmarker).run(media, data, lambda *_: None, None).result
        blocking = [item["code"] for item in stored["quality"] if item["blocking"]]
        assert blocking in (["TOO_DARK"], ["UNDEREXPOSED"]), (face.face_id, stored["quality"])
        assert not stored["ok"] and stored.get("tone") is None, face.face_id
        assert not stored.get("concerns"), face.face_id


@pytest.mark.parametrize("factor", [0.5, 0.25])
def test_a_dark_photo_is_not_read_as_blurred(london_results, factor) -> None:
    """A dim picture has smaller steps of grey at the same edges: x0.25 copies of sharp faces
    read BLURRY (and the blur then kept their dim eyes from saying TOO_DARK). The sharpness is
    read against the picture's bright end (`quality.SHARPNESS_WHITE_LUMA`)."""
    for face in list(london_results.values())[::EVERY]:
        result = analyse_image(exposed(face.rgb, factor), face.landmarker)
        assert "BLURRY" not in {item.code for item in result.quality}, face.face_id


def test_half_exposed_copies_are_blocked_with_a_reason(london_results) -> None:
    """x0.5 (one stop under) moved ITA by a median 51 deg and only 7 of 102 faces were
    blocked; now every copy is refused (UNDEREXPOSED: nothing in the picture is bright, the
    eyes are dim; TOO_DARK for the dimmest eyes), whatever the self-reported group."""
    blocked: dict[str, list[str]] = {}
    for face in list(london_results.values())[::EVERY]:
        result = analyse_image(exposed(face.rgb, 0.5), face.landmarker)
        codes = [item.code for item in result.quality if item.blocking]
        assert not result.ok and result.tone is None, face.face_id
        assert len(codes) == 1 and codes[0] in {"UNDEREXPOSED", "TOO_DARK"}, face.face_id
        assert all(item.guidance for item in result.quality if item.blocking)
        blocked.setdefault(face.group, []).append(codes[0])
    assert {"white", "black"} <= set(blocked)
    assert sum(code == "UNDEREXPOSED" for codes in blocked.values() for code in codes) >= 20


def test_no_london_photo_is_refused_for_its_exposure(london_results, smiling_results) -> None:
    """The headroom rule never fires on the 204 photos as taken (neutral and smiling, every
    group): their brightest 0.5 % reads 234 or more, well above the rule's 200."""
    for face in [*london_results.values(), *smiling_results.values()]:
        codes = {item.code for item in face.result.quality}
        assert face.result.ok and not codes & set(quality.LIGHT_CODES), (face.path.name, codes)
        top = quality.headroom_top(small_copy(face.rgb))
        assert top >= quality.HEADROOM_TOP + 20, face.path.name


def test_overexposed_copies_keep_monk_within_one_step(london_results) -> None:
    """x1.4 (half a stop over) moves ITA by a median 12 deg (the issue's 3 deg is not met: one
    photo cannot tell brighter light from lighter skin, see docs/benchmarks.md) but Monk by at
    most one step, and no London face is refused for it."""
    changes, steps = [], []
    for face in list(london_results.values())[::EVERY]:
        before = face.result.tone
        after = analyse_image(exposed(face.rgb, 1.4), face.landmarker).tone
        assert before is not None and after is not None, face.face_id
        changes.append(after.ita_deg - before.ita_deg)
        steps.append(abs(after.monk - before.monk))
    assert max(steps) <= 1
    assert 0 < np.median(changes) <= 15.0  # lighter, never darker


def test_blown_eyes_refuse_far_overexposed_copies(london_results, smiling_results) -> None:
    """x2.8 (1.5 stops over) read a median 32 deg too light and 23 of 102 faces were refused
    (two clipped channels over 35 % of the skin); blown whites of the eyes now refuse 75 % of
    them, dark faces too, whose skin does not clip. No photo as taken has blown eyes."""
    for face in [*london_results.values(), *smiling_results.values()]:
        checked = check_frame(face.rgb, face.landmarker.faces)
        assert not isinstance(checked, list)
        geometry = checked.geometry
        points = checked.points_in_crop()
        seen = eyes.readable_eyes(checked.crop, points, geometry.scale)
        assert (eyes.blown_eyes(checked.crop, points, seen) or 0.0) < 0.05, face.path.name
    refused = {}
    for face in list(london_results.values())[::EVERY]:
        result = analyse_image(exposed(face.rgb, 2.8), face.landmarker)
        codes = {item.code for item in result.quality if item.blocking}
        refused.setdefault(face.group, []).append("OVEREXPOSED" in codes)
        assert result.ok or codes, face.face_id
    every = [flag for flags in refused.values() for flag in flags]
    assert np.mean(every) >= 0.6, refused
    assert any(refused["black"]), refused  # before: no black face was refused at x2.8


@pytest.mark.parametrize("cast", ["tungsten_3200k", "warm_4000k", "shade_7500k", "fluorescent"])
def test_casts_on_real_faces_keep_tone(london_results, cast) -> None:
    """The studio wall is explained as gray (share 0.86-1.0), so its estimate is trusted in
    full: medians over the whole set 0.3-0.55 deg (bench; 1.5-3.5 deg while the dead zone and
    the off-locus cap applied to it, fluorescent worst)."""
    changes, steps = [], []
    for face in list(london_results.values())[::EVERY]:
        before = face.result.tone
        after = analyse_image(under_light(face.rgb, cast), face.landmarker).tone
        assert before is not None and after is not None, face.face_id
        changes.append(abs(after.ita_deg - before.ita_deg))
        steps.append(abs(after.monk - before.monk))
    assert np.median(changes) <= 1.5 and np.percentile(changes, 90) <= 3.0  # on 26 faces
    assert max(steps) <= 1


def test_a_light_too_coloured_to_correct_is_refused(london_results) -> None:
    """A sodium-like 2200 K light needs more than MAX_GAIN to correct: the white balance leaves
    0.57-1.35 of it (London as taken: at most 0.006), so HEAVY_CAST refuses the photo with
    guidance instead of reporting the tone through the cast (UNNATURAL_COLOUR alone missed a
    dark face)."""
    for face in list(london_results.values())[:: 2 * EVERY]:
        result = analyse_image(under_light(face.rgb, "sodium_2200k"), face.landmarker)
        cast = [item for item in result.quality if item.code == "HEAVY_CAST"]
        assert not result.ok and result.tone is None, face.face_id
        assert (
            cast
            and cast[0].blocking
            and cast[0].guidance
            and cast[0].value > validity.MAX_CAST_LEFT
        )


@pytest.mark.parametrize(
    ("cast_left", "blocks"),
    [
        (0.0, False),  # a London face as taken
        (0.12, False),  # bounds on a colourful background (recolour benchmark: <= 0.124)
        (0.3, True),  # a magenta LED the gains could not fully undo: ITA 9-14 deg off
    ],
)
def test_heavy_cast_rule(cast_left: float, blocks: bool) -> None:
    found = validity.Validity(80.0, 0.0, 0.8, 15.0, 60.0, cast_left).issues()
    assert [item.code for item in found] == (["HEAVY_CAST"] if blocks else [])
    assert all(item.blocking and item.guidance for item in found)


CASTS = ("tungsten_3200k", "warm_4000k", "shade_7500k", "fluorescent")


@pytest.mark.parametrize("cast", CASTS)
def test_a_gray_wall_light_estimate_moves_exactly_with_a_cast(cast: str) -> None:
    """A gray wall whose brightest part is a little warmer (two lights of slightly different
    colour), lit up to just below clipping. A cast at constant luminance pushes some of its
    brightest pixels past clipping; the Minkowski estimate weighs exactly those, so it moved by
    0.001-0.0125 less or more than the cast. The equivariant refinement averages the same
    pixels before and after (below its ceiling, which the strongest of these casts, tungsten,
    still clips a little): within 0.002 of the cast, 0.005 under tungsten."""
    rng = np.random.default_rng(3)
    levels = rng.uniform(0.25, 0.9, 6000)
    tint = np.exp(np.stack([0.04 * (levels - 0.6), 0 * levels, -0.06 * (levels - 0.6)], 1))
    wall = levels[:, np.newaxis] * tint * (1 + rng.normal(0, 0.01, (6000, 3)))

    def pixels(gains: np.ndarray) -> np.ndarray:
        return np.round(colour.linear_to_srgb(wall * gains) * 255).astype(np.uint8)

    gains = normalised(ILLUMINANTS[cast])
    estimates = []
    for image in (pixels(np.ones(3)), pixels(gains)):
        found = colour.background_illuminant(image)
        assert found is not None and found[1] > 0.95
        estimates.append((found[0], white_reference.equivariant_light(image, *found)))
    cast_chroma = white_reference.log_chroma(gains)
    old, new = (
        white_reference.log_chroma(estimates[1][kind])
        - white_reference.log_chroma(estimates[0][kind])
        - cast_chroma
        for kind in (0, 1)
    )
    if cast == "tungsten_3200k":  # the wall does exercise the bias the refinement removes
        assert np.linalg.norm(old) >= 0.01 and np.linalg.norm(new) <= 0.005
    else:
        assert np.linalg.norm(new) <= 0.002


def estimated_cast(face: RealFace, rgb: np.ndarray) -> np.ndarray:
    """log-chromaticity of the light the engine corrects in `rgb` (the face's landmarks)."""
    checked = check_frame(rgb, face.landmarker.detect(rgb))
    assert not isinstance(checked, list)
    geometry = checked.geometry
    points = checked.points_in_crop()
    gains = white_reference.white_balance(checked.background, checked.crop, points, geometry.scale)
    return -white_reference.log_chroma(gains[0])


def test_the_light_estimate_follows_every_cast_on_every_monk_tone(london_results) -> None:
    """The light estimate moves with the cast on every 4th London face, whatever its Monk
    tone: the gains' error beyond the cast (log-chromaticity, sclera fusion included) is at
    most 0.023 and a median 0.006-0.010 per cast; before the equivariant refinement the
    medians were 0.006-0.018 and the worst 0.026-0.049 (shade worst on dark skin's ITA)."""
    residuals: dict[int, list[float]] = {}
    for face in list(london_results.values())[::EVERY]:
        tone = face.result.tone
        assert tone is not None
        taken = estimated_cast(face, face.rgb)
        for cast in CASTS:
            moved = estimated_cast(face, under_light(face.rgb, cast))
            error = moved - taken - white_reference.log_chroma(normalised(ILLUMINANTS[cast]))
            residuals.setdefault(tone.monk, []).append(float(np.linalg.norm(error)))
    everything = [value for values in residuals.values() for value in values]
    assert max(everything) <= 0.025 and np.median(everything) <= 0.010
    assert len(residuals) >= 4


def test_casts_move_every_common_monk_tone_alike(london_results) -> None:
    """Under each cast, the median ITA change of every Monk tone with at least five of the
    26 faces (M3, M4, M5) stays within 0.6 deg, and the worst of them within 2x the median
    tone (bench on all 102 faces: 0.14-0.39 deg per tone, 1.0-1.1x; before the equivariant
    refinement up to 0.64 deg and 1.8x). Tones with fewer faces are left to the bench: their
    medians of 2-4 faces sit at the copies' own floor (exact gains give up to 0.7 deg there)."""
    for cast in CASTS:
        per_tone: dict[int, list[float]] = {}
        for face in list(london_results.values())[::EVERY]:
            before = face.result.tone
            after = analyse_image(under_light(face.rgb, cast), face.landmarker).tone
            assert before is not None and after is not None, face.face_id
            per_tone.setdefault(before.monk, []).append(abs(after.ita_deg - before.ita_deg))
        medians = [float(np.median(v)) for v in per_tone.values() if len(v) >= 5]
        assert len(medians) >= 3, cast
        assert max(medians) <= 0.6, (cast, medians)
        assert max(medians) <= 2.0 * float(np.median(medians)), (cast, medians)
