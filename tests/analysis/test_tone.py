"""Tone: colour maths, and the recolour benchmark (10 Monk tones x 5 illuminants, seeded)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage.color import rgb2lab

from metskin.domain.analysis import colour, eyes, quality, tone, white_reference
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.geometry import crop_face, crop_points
from tests.analysis.synthetic import ILLUMINANTS, normalised, recoloured_face, under_light


@pytest.mark.parametrize(
    ("ita", "band"),
    [
        (60, "I"),
        (55.1, "I"),
        (54.9, "II"),
        (41.1, "II"),
        (30, "III"),
        (12, "IV"),
        (0, "V"),
        (-29.9, "V"),
        (-30.1, "VI"),
        (-80, "VI"),
    ],
)
def test_ita_bands_follow_the_chardon_del_bino_cuts(ita: float, band: str) -> None:
    assert colour.ita_band(ita)[0] == band


def test_ita_formula() -> None:
    assert colour.ita_deg(50.0, 10.0) == pytest.approx(0.0)
    assert colour.ita_deg(60.0, 10.0) == pytest.approx(45.0)
    assert colour.ita_deg(40.0, 10.0) == pytest.approx(-45.0)


def test_each_monk_colour_is_its_own_nearest_tone() -> None:
    for index, code in enumerate(colour.MONK_HEX, start=1):
        lab = rgb2lab(np.array([[colour.hex_to_rgb(code)]], dtype=np.uint8))[0, 0]
        assert colour.nearest_monk(tuple(lab))[0] == index


def test_undertone_from_hue() -> None:
    assert colour.undertone(30.0) == "cool"
    assert colour.undertone(50.0) == "neutral"
    assert colour.undertone(70.0) == "warm"


@pytest.mark.parametrize("cast", ["tungsten_3200k", "shade_7500k", "fluorescent"])
def test_white_balance_recovers_a_cast_on_a_gray_background(cast: str) -> None:
    rng = np.random.default_rng(3)
    grays = rng.uniform(0.1, 0.8, size=(2000, 1))
    linear = np.clip(grays * normalised(ILLUMINANTS[cast]), 0, 1)
    pixels = np.round(colour.linear_to_srgb(linear) * 255).astype(np.uint8)
    gains = colour.white_balance_gains(pixels)
    corrected = normalised(ILLUMINANTS[cast]) * gains
    spread = np.log(corrected).max() - np.log(corrected).min()
    # a background explained as gray is trusted in full: no dead zone, no off-locus cap (the
    # fluorescent cast is off the blackbody locus; capped, 0.08 of it stayed)
    assert spread < 0.015


def test_white_balance_bounds_fade_with_the_gray_share() -> None:
    fluorescent = normalised(ILLUMINANTS["fluorescent"])
    illuminant = fluorescent / fluorescent.mean()
    left = {
        share: np.ptp(np.log(illuminant * colour.gains_for_illuminant(illuminant, share)))
        for share in (0.0, 0.6, 0.8, 0.95)
    }
    assert left[0.0] == left[0.6] > 0.05  # a colourful background: capped, dead zone
    assert left[0.95] < 0.005 and left[0.0] > left[0.8] > left[0.95]


def test_white_balance_leaves_a_saturated_wall_mostly_alone() -> None:
    green_wall = np.tile(np.array([[60, 170, 70]], dtype=np.uint8), (3000, 1))
    gains = colour.white_balance_gains(green_wall)
    assert np.abs(np.log(gains)).max() <= np.log(colour.MAX_GAIN) * 0.5


def test_tone_survives_a_coloured_background(landmarker, london_face) -> None:
    before = analyse_image(london_face, landmarker).tone
    hsv = cv2.cvtColor(london_face, cv2.COLOR_RGB2HSV)
    background = (hsv[..., 1] < 40) & (hsv[..., 2] > 150)  # the studio's light gray wall
    background[int(0.7 * len(background)) :] = False  # keep the white shirt
    painted = london_face.copy()
    painted[background] = (170, 60, 150)  # magenta wall
    after = analyse_image(painted, landmarker).tone
    assert before is not None and after is not None
    assert abs(after.ita_deg - before.ita_deg) < 4.0
    assert abs(after.monk - before.monk) <= 1


def log_chroma_of_cast(cast: str) -> np.ndarray:
    return white_reference.log_chroma(normalised(ILLUMINANTS[cast]))


@pytest.mark.parametrize("cast", list(ILLUMINANTS))
def test_sclera_reads_the_cast_on_a_real_face(landmarker, london_face, cast: str) -> None:
    """The whites of the eyes of a real face (London Set, studio light) follow a cast to within
    the person-to-person spread of sclera colour."""
    lit = under_light(london_face, cast)
    points = landmarker.detect(lit)[0]
    crop, box, scale = crop_face(lit, points)
    found = white_reference.sclera_estimate(crop, crop_points(points, box, scale))
    assert found is not None and found.pixels >= eyes.MIN_PIXELS
    error = np.abs(found.chroma - log_chroma_of_cast(cast))
    assert (error < 2 * white_reference.SCLERA_SPREAD).all(), error


def estimate(chroma: tuple[float, float]) -> white_reference.Estimate:
    return white_reference.Estimate(np.array(chroma), 100)


def test_a_mostly_gray_background_keeps_its_estimate_against_a_nearby_sclera() -> None:
    """Within the sclera's person-to-person spread, the gray background is the sharper cue."""
    fused = white_reference.fuse(estimate((0.05, -0.02)), 0.95, estimate((-0.03, 0.04)))
    assert np.abs(fused - (0.05, -0.02)).max() < 0.02


def test_a_colourful_background_gives_way_to_the_sclera() -> None:
    background, sclera = np.array([0.45, -0.30]), np.array([0.02, 0.01])
    fused = white_reference.fuse(estimate(background), 0.03, estimate(sclera))
    assert np.linalg.norm(fused - sclera) < 0.2 * np.linalg.norm(background - sclera)


def test_a_sclera_far_off_moves_a_gray_background_little() -> None:
    """London face 024: narrow eyes, the "sclera" reads lid skin and shadow, the studio wall is
    97 % near-gray. The fused light stays within a quarter of the gap from the wall's."""
    background, sclera = np.array([-0.042, 0.037]), np.array([0.138, -0.213])
    fused = white_reference.fuse(estimate(background), 0.967, estimate(sclera))
    assert np.linalg.norm(fused - background) < 0.25 * np.linalg.norm(sclera - background)


def run_benchmark(
    landmarker, seeds: list[int], background: str = "astronaut", tones: range = range(1, 11)
) -> list[tuple[int, str, float, int]]:
    rows = []
    for seed in seeds:
        for monk in tones:
            for illuminant in ILLUMINANTS:
                rgb, truth = recoloured_face(
                    landmarker, monk, illuminant, seed * 1000 + monk, background=background
                )
                tone = analyse_image(rgb, landmarker).tone
                assert tone is not None
                rows.append((monk, illuminant, tone.ita_deg - truth.ita, tone.monk))
    return rows


def test_recolour_benchmark_recovers_ita_and_monk(landmarker) -> None:
    rows = run_benchmark(landmarker, seeds=[11])
    errors = np.abs([row[2] for row in rows])
    assert np.median(errors) <= 3.0
    assert np.mean([abs(row[0] - row[3]) <= 1 for row in rows]) >= 0.95
    # Monk comes from the calibrated ITA (metskin.domain.analysis.monk): a photo whose skin
    # measures exactly a swatch's colour reads up to one tone lighter in the middle of the
    # scale, because photographed skin is darker and greyer than the swatch a rater matches
    # it to. Exact matches are not expected; the order of the tones is.
    medians = [np.median([r[3] for r in rows if r[0] == tone]) for tone in range(1, 11)]
    assert medians == sorted(medians) and medians[0] == 1 and medians[-1] == 10
    # Shade 7500 K is the worst light: 3.12 deg, and 3.57 since the tone adds back the light of
    # the skin it does not see (`tone.hidden_lift`: the astronaut's hair hides a fifth of her
    # forehead, +0.1-0.2 L*). The painted skin keeps only part of the face's shading
    # (SHADING_GAMMA), so its forehead stands out less than a lit face's; the London faces are
    # the evidence for the lift (docs/benchmarks.md, "Hidden skin").
    for illuminant in ILLUMINANTS:
        assert np.median([abs(r[2]) for r in rows if r[1] == illuminant]) <= 3.75, illuminant
    dark = np.median([abs(r[2]) for r in rows if r[0] >= 7])
    light = np.median([abs(r[2]) for r in rows if r[0] <= 4])
    assert dark <= 1.5 * light + 0.5  # dark skin is measured no worse than light skin


def test_recolour_benchmark_half_exposed_is_refused_at_every_tone(landmarker) -> None:
    """x0.5 moved the painted faces' ITA by a median 12 deg (36 deg at Monk 6); the same face
    as painted is measured at every tone, its x0.5 copy is refused as UNDEREXPOSED."""
    for monk in range(1, 11):
        rgb, _ = recoloured_face(landmarker, monk, "neutral", 11 * 1000 + monk)
        assert analyse_image(rgb, landmarker).ok, monk
        linear = colour.srgb_to_linear(rgb) * 0.5
        dim = np.round(colour.linear_to_srgb(linear) * 255).astype(np.uint8)
        result = analyse_image(dim, landmarker)
        codes = [item.code for item in result.quality if item.blocking]
        assert not result.ok and codes == ["UNDEREXPOSED"], (monk, codes)


def test_recolour_benchmark_light_tones_clipped_white_say_overexposed(landmarker) -> None:
    """x1.4 clips two or more channels of 44-63 % of the painted Monk 1-4 skin: refused as
    OVEREXPOSED (it was refused as FILTER_SUSPECTED, which did not say why). Monk 8's skin does
    not clip, but the astronaut's whites of the eyes, 0.8 stop brighter than the London median
    as photographed, blow out at x1.4: refused as well (quality.BLOWN_EYES_SHARE), while the
    same face as painted is measured, and so is Monk 1 under tungsten light (its red channel
    alone clips, which the tone rebuilds)."""
    rgb, _ = recoloured_face(landmarker, 1, "tungsten_3200k", 11 * 1000 + 1)
    assert analyse_image(rgb, landmarker).ok
    for monk in (2, 8):
        rgb, _ = recoloured_face(landmarker, monk, "neutral", 11 * 1000 + monk)
        assert analyse_image(rgb, landmarker).ok
        bright = colour.linear_to_srgb(colour.srgb_to_linear(rgb) * 1.4)
        result = analyse_image(np.round(bright * 255).astype(np.uint8), landmarker)
        codes = [item.code for item in result.quality if item.blocking]
        assert codes == ["OVEREXPOSED"], (monk, codes)


@pytest.mark.parametrize(
    ("sclera", "top", "blown", "code"),
    [
        (-1.1, 240.0, 0.0, None),  # a London face as taken
        (-2.0, 188.0, 0.0, "UNDEREXPOSED"),  # nothing bright, dim eyes
        (None, 188.0, None, "UNDEREXPOSED"),  # nothing bright, eyes too small to read
        (-0.6, 188.0, 0.0, None),  # the eyes are the bright part: not under
        (-2.0, 230.0, 0.0, None),  # dim eyes alone (darker lids, narrow eyes) never block
        (-3.0, 240.0, 0.0, "TOO_DARK"),  # eyes far too dark for any face
        (-0.3, 255.0, 0.6, "OVEREXPOSED"),  # the whites of the eyes blown out
        (-0.3, 255.0, 0.1, None),  # a few white pixels (a catchlight's edge) do not block
    ],
)
def test_exposure_rule(
    sclera: float | None, top: float, blown: float | None, code: str | None
) -> None:
    found = quality.exposure_issues([], sclera, top, blown)
    assert [item.code for item in found] == ([code] if code else [])
    assert all(item.blocking and item.guidance for item in found)


@pytest.mark.parametrize(("top", "code"), [(240.0, None), (188.0, "UNDEREXPOSED")])
def test_blurred_eyes_are_not_read_as_a_dark_photo(top: float, code: str | None) -> None:
    """A blurred photo's whites of the eyes blend with the iris and lids and read far too dim
    (-3 here): that alone is no longer TOO_DARK, whose advice (more light) misled; the blur
    blocks it (`validity.blocked`). A blurred photo with nothing bright in it is still under."""
    blurred = [quality.issue("BLURRY", 10.0)]
    found = quality.exposure_issues(blurred, -3.0, top, 0.0)
    assert [item.code for item in found] == ([code] if code else [])


@pytest.mark.parametrize(
    ("sclera", "background", "code"),
    [
        (-1.1, -0.55, None),  # a London face as taken before its studio wall (0.56 stop median)
        (-2.3, -0.8, None),  # the darkest London eyes, the wall 1.5 stops above them
        (-2.1, 0.0, "BACKLIT"),  # a stop under, the background near white: a window behind
        (-1.8, 0.0, None),  # eyes that read dim on some people, correctly exposed, before a window
        (-1.5, 0.5, None),  # eyes in the London range: a bright background alone never blocks
        (-2.1, -0.5, None),  # dim eyes before a background no brighter than a studio wall
        (-2.1, None, None),  # no background to compare (the face fills the photo)
    ],
)
def test_backlight_rule(sclera: float, background: float | None, code: str | None) -> None:
    found = quality.exposure_issues([], sclera, 255.0, 0.0, None, background)
    assert [item.code for item in found] == ([code] if code else [])
    assert all(item.blocking and item.guidance for item in found)
    blurred = [quality.issue("BLURRY", 10.0)]  # blurred whites of the eyes read dim
    assert quality.exposure_issues(blurred, sclera, 255.0, 0.0, None, background) == []


@pytest.mark.parametrize("background", ["coffee", "chelsea", "rocket"])
def test_recolour_benchmark_on_held_out_backgrounds(landmarker, background: str) -> None:
    """The same faces in front of warm or dark scenes that fool a gray-world estimate (median
    ITA error 8-16 deg, Monk +-1 80-91 % with the background alone): the whites of the eyes
    keep the light (1.1-3.5 deg on these odd tones, light skin worst: ITA magnifies b*).

    Monk within one step: 23 of 25 on the cat, 25 of 25 on the others. The cat under shade
    light is off by +7.8 deg (white balance, unchanged), which the Monk calibration refitted
    in December (gain 1.20, steeper on light skin) turns into two steps at Monk 3 and 5; over
    all ten tones and five lights: cat 94 %, coffee and rocket 98 %, astronaut 100 %."""
    rows = run_benchmark(landmarker, seeds=[11], background=background, tones=range(1, 11, 2))
    errors = np.abs([row[2] for row in rows])
    assert np.median(errors) <= 4.0
    assert np.mean([abs(row[0] - row[3]) <= 1 for row in rows]) >= 0.9
    assert max(abs(row[0] - row[3]) for row in rows) <= 2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clipped_red_channel_is_rebuilt_without_bias(seed: int) -> None:
    """Skin of one chromaticity under uneven shading, warm light clipping the red channel in
    more than half of the pixels: the band's median still finds the unclipped colour (of the
    shading at the band's middle rank: the band is the lit side of the skin, tone.BAND)."""
    rng = np.random.default_rng(seed)
    skin = np.array([1.0, 0.6, 0.42]) * rng.uniform(0.95, 1.05)
    shading = rng.lognormal(0.1, 0.25, size=(6000, 1))
    linear = skin * shading
    encoded = colour.linear_to_srgb(linear) * 255 + rng.normal(0, 1.0, linear.shape)
    pixels = np.round(np.clip(encoded, 0, 255)).astype(np.uint8)
    assert (pixels[:, 0] >= tone.CLIPPED).mean() > 0.5
    rebuilt, censored = tone.rebuild_clipped(pixels)
    band = tone.central_band(rebuilt, censored)
    measured = np.median(colour.linear_to_lab(rebuilt[band]), axis=0)
    truth = colour.linear_to_lab(skin[np.newaxis] * np.quantile(shading, np.mean(tone.BAND)))[0]
    assert np.abs(measured - truth).max() < 1.5, (measured, truth)
    dropped = colour.linear_to_lab(
        colour.srgb_to_linear(pixels[pixels.max(axis=1) < tone.CLIPPED]).astype(np.float64)
    )
    assert np.median(dropped[:, 0]) < truth[0] - 3  # what dropping clipped pixels did before


@pytest.mark.parametrize("skin", [(0.03, 0.018, 0.012), (0.07, 0.045, 0.032), (0.2, 0.13, 0.09)])
def test_the_band_mean_is_not_held_to_8_bit_levels(skin: tuple[float, float, float]) -> None:
    """Evenly lit skin with little noise has only a few 8-bit levels in the central band: a
    per-channel median lands on one of them (about 0.2 deg of ITA off on average over these
    seeds), the band's mean does not."""
    errors, medians = [], []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        colour_of_skin = np.array(skin) * rng.uniform(0.9, 1.1)
        shading = rng.lognormal(0.0, 0.05, size=(6000, 1))
        encoded = colour.linear_to_srgb(colour_of_skin * shading) * 255
        encoded += rng.normal(0, 0.3, encoded.shape)
        pixels = np.round(np.clip(encoded, 0, 255)).astype(np.uint8)
        linear, censored = tone.rebuild_clipped(pixels)
        mean, lab_values = tone.band_colour(linear, censored, np.ones(3))
        lit = np.quantile(shading, np.mean(tone.BAND))  # the band's middle rank
        truth = colour.linear_to_lab(colour_of_skin[np.newaxis] * lit)[0]
        median = np.median(lab_values[tone.central_band(linear, censored)], axis=0)
        true_ita = colour.ita_deg(truth[0], truth[2])
        errors.append(abs(colour.ita_deg(mean[0], mean[2]) - true_ita))
        medians.append(abs(colour.ita_deg(median[0], median[2]) - true_ita))
    assert np.mean(errors) <= 0.15
    assert np.mean(errors) < np.mean(medians)


def test_the_band_is_the_lit_side_and_steps_down_below_censored_pixels() -> None:
    """The tone band is the 50th-80th percentile by luminance; when clipped pixels (censored,
    ranked highest) would fall in it, it moves down to the brightest measurable pixels."""
    linear = np.linspace(0.01, 1.0, 1000)[:, np.newaxis] * np.ones(3)
    censored = np.zeros(1000, dtype=bool)
    band = np.sort(tone.central_band(linear, censored))
    assert (band[0], band[-1], len(band)) == (500, 799, 300)
    censored[700:] = True
    band = np.sort(tone.central_band(linear, censored))
    assert (band[0], band[-1], len(band)) == (400, 699, 300)


@pytest.mark.parametrize("cast", ["tungsten_3200k", "warm_4000k", "shade_7500k", "fluorescent"])
def test_a_colourful_background_light_estimate_moves_with_a_cast(cast: str) -> None:
    """Two thirds white (its brightest part a little warmer, up to just below clipping), the
    rest orange, blue and green patches: a gray share of 0.6-0.7, too low to trust it as gray,
    so the bounds and colour's own estimator stay. Which bright pixels a cast pushes past
    clipping depends on the cast, so the plain estimate moved by 0.006-0.012 more or less than
    the cast; chosen below the ceiling once corrected, the same pixels stay in (weighted by
    the share over GRAY_TRUSTED_FROM): at most 0.003 off, 0.009 under tungsten, whose red
    still clips a little below the ceiling."""
    rng = np.random.default_rng(3)
    levels = rng.uniform(0.2, 0.95, 6000)
    kinds = rng.choice(4, 6000, p=[0.68, 0.12, 0.1, 0.1])
    tints = np.array([[1.0, 1.0, 1.0], [1.0, 0.55, 0.25], [0.35, 0.55, 1.0], [0.5, 1.0, 0.4]])
    warmer = np.exp(np.stack([0.04 * (levels - 0.6), 0 * levels, -0.06 * (levels - 0.6)], 1))
    scene = levels[:, np.newaxis] * tints[kinds] * warmer * (1 + rng.normal(0, 0.01, (6000, 3)))

    def pixels(gains: np.ndarray) -> np.ndarray:
        return np.round(colour.linear_to_srgb(scene * gains) * 255).astype(np.uint8)

    estimates = []
    for image in (pixels(np.ones(3)), pixels(normalised(ILLUMINANTS[cast]))):
        found = colour.background_illuminant(image)
        assert found is not None and 0.6 < found[1] < colour.GRAY_TRUSTED_FROM
        estimates.append((found[0], white_reference.equivariant_light(image, *found)))
    old, new = (
        np.linalg.norm(
            white_reference.log_chroma(estimates[1][kind])
            - white_reference.log_chroma(estimates[0][kind])
            - log_chroma_of_cast(cast)
        )
        for kind in (0, 1)
    )
    assert new <= (0.01 if cast == "tungsten_3200k" else 0.003), new
    if cast in ("warm_4000k", "shade_7500k"):  # the bias the ceiling removes
        assert old >= 0.005 and new < 0.5 * old, (old, new)


def test_recolour_benchmark_under_shade_keeps_ita(landmarker) -> None:
    """Each painted tone under shade 7500 K against the same painted image under neutral
    light: the astronaut's background (gray share 0.57) is corrected through the bounds, whose
    dead zone still keeps 0.03 of each light. Median ITA change 3.07 deg before the ceiling
    (M1-M5 3.3-5.3 deg) on the bench's two seeds; with it, on this seed, at most 2.5."""
    changes = []
    for monk in range(1, 11):
        taken, moved = (
            analyse_image(
                recoloured_face(landmarker, monk, light, 11 * 1000 + monk)[0], landmarker
            ).tone
            for light in ("neutral", "shade_7500k")
        )
        assert taken is not None and moved is not None
        assert abs(moved.monk - taken.monk) <= 1
        changes.append(abs(moved.ita_deg - taken.ita_deg))
    assert np.median(changes) <= 2.5, changes


def test_the_sclera_chooses_between_the_background_solutions() -> None:
    """The recolour rocket under tungsten (painted Monk 1): refined from no cast the background
    explains its blue sky as gray (share 0.24, light (+0.05, +0.02)); refined from its
    Minkowski estimate, its own colours (share 0.03, (+0.39, -0.87)). The grayer one moved
    against the light; the sclera (+0.30, -0.56) agrees with the other."""
    follows = (white_reference.illuminant_of(np.array([0.394, -0.866])), 0.03)
    sky = (white_reference.illuminant_of(np.array([0.053, 0.020])), 0.24)
    sclera = estimate((0.295, -0.563))
    assert white_reference.background_solution([follows, sky], None, 0.9) is sky
    assert white_reference.background_solution([follows, sky], sclera, 0.9) is follows
    assert white_reference.background_solution([sky, follows], sclera, 0.9) is follows


def test_a_start_that_finds_no_gray_is_no_solution_for_the_sclera_to_choose() -> None:
    """On a saturated wall no pixel is near gray without a cast: that start is never refined,
    so "no cast" is no solution, and eyes that read a neutral light cannot choose it (on the
    recolour cat they did under neutral light only: its ITA then moved with every cast)."""
    green_wall = np.tile(np.array([[60, 170, 70]], dtype=np.uint8), (3000, 1))
    linear = colour.usable_linear(green_wall)
    solutions = colour.usable_solutions(linear)
    assert solutions is not None and len(solutions) == 1
    assert colour.usable_illuminant(linear) is not None
    chosen = white_reference.background_solution(solutions, estimate((0.0, 0.0)), 0.9)
    assert np.allclose(chosen[0], colour.usable_illuminant(linear)[0])
    assert chosen[1] > 0.9


@pytest.mark.parametrize("light", ["tungsten_3200k", "warm_4000k"])
def test_recolour_rocket_under_a_warm_light_keeps_ita(landmarker, light: str) -> None:
    """The rocket scene under a warm light, against the same painted image under neutral
    light: before the sclera chose the background's solution, the sky's "gray" solution won
    and the median ITA change was 6.2 / 5.4 deg (tungsten / warm) on the bench's seeds."""
    changes = []
    for monk in range(1, 11, 2):
        taken, moved = (
            analyse_image(
                recoloured_face(landmarker, monk, cast, 11 * 1000 + monk, background="rocket")[0],
                landmarker,
            ).tone
            for cast in ("neutral", light)
        )
        assert taken is not None and moved is not None
        assert abs(moved.monk - taken.monk) <= 1
        changes.append(abs(moved.ita_deg - taken.ita_deg))
    assert np.median(changes) <= 3.0, changes
