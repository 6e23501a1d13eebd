"""Lines read the same on dark and light skin: the Weber-like lightness, the fine-texture
measure, and planted creases of a fixed relative depth on synthetic skin from light to dark
(synthetic: a check of the arithmetic, not evidence; the real-photo figures are in
tests/analysis/test_lines_tone.py)."""

from __future__ import annotations

import numpy as np
import pytest

from metskin.domain.analysis.concerns import WRINKLE_REGIONS, wrinkles
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import blur, fine_texture, weber_lightness
from metskin.domain.analysis.scoring import whole_face

SIZE = 260
IOD = 100.0
# skin L* from the lightest to the darkest the London photos show (Monk 2 to Monk 9)
LIGHTNESS = (80.0, 70.0, 60.0, 50.0, 40.0, 30.0)


def to_lightness(y: np.ndarray) -> np.ndarray:
    return (116.0 * np.cbrt(y) - 16.0).astype(np.float32)


def to_light(lightness: float) -> float:
    return ((lightness + 16.0) / 116.0) ** 3


def skin(lightness: float, texture: float, creases: int, seed: int) -> FaceImage:
    """A square of skin of `lightness`, with `texture` (relative sd of the light, the same share
    on every tone, as a face's micro-relief gives) and `creases` horizontal lines that each take
    25 % of the light at their centre."""
    rng = np.random.default_rng(seed)
    grain = blur(rng.normal(0.0, 1.0, (SIZE, SIZE)).astype(np.float32), 0.8)
    light = to_light(lightness) * (1.0 + texture * grain / grain.std())
    rows = np.arange(SIZE, dtype=np.float32)[:, None]
    for y in np.linspace(70, 190, creases):
        profile = np.exp(-0.5 * ((rows - y) / 1.5) ** 2) * np.ones((1, SIZE), np.float32)
        profile[:, :50] = profile[:, -50:] = 0.0
        light = light * (1.0 - 0.25 * profile)
    lab = np.zeros((SIZE, SIZE, 3), np.float32)
    lab[..., 0] = to_lightness(np.clip(light, 1e-4, 1.0))
    lab[..., 1:] = (12.0, 16.0)
    inside = np.zeros((SIZE, SIZE), bool)
    inside[20:-20, 20:-20] = True
    nothing = np.zeros_like(inside)
    masks = {name: nothing for name in WRINKLE_REGIONS}
    masks.update(forehead=inside, skin=inside, usable=inside, hair=nothing, specular=nothing)
    rgb = np.zeros((SIZE, SIZE, 3), np.uint8)
    return FaceImage(rgb, lab, masks, IOD, np.ones(3, np.float32))


def test_a_crease_taking_the_same_share_of_light_is_equally_deep_on_every_tone() -> None:
    depths = []
    for lightness in LIGHTNESS:
        light = to_light(lightness)
        pair = to_lightness(np.array([light, 0.8 * light]))
        in_l_star = float(pair[0] - pair[1])
        contrast = weber_lightness(pair, 65.0)
        depths.append((in_l_star, float(contrast[0] - contrast[1])))
    l_star, weber = np.array(depths).T
    assert l_star.max() > 2.0 * l_star.min()  # in L* the crease is half as deep on dark skin
    assert weber.max() - weber.min() < 1e-3 * weber.mean()
    # at the reference lightness a step is one L*
    assert weber_lightness(np.array([64.0, 65.0, 66.0], np.float32), 65.0)[1] == pytest.approx(65)
    steps = np.diff(weber_lightness(np.array([64.5, 65.0, 65.5], np.float32), 65.0))
    assert steps == pytest.approx([0.5, 0.5], rel=0.01)


def test_fine_texture_follows_the_grain_and_not_a_line_on_it() -> None:
    rng = np.random.default_rng(3)
    mask = np.ones((200, 200), bool)
    grain = rng.normal(0.0, 1.0, mask.shape).astype(np.float32)
    plain_skin = 60.0 + grain
    assert fine_texture(plain_skin, mask, 2.0) == pytest.approx(
        0.5 * fine_texture(60.0 + 2 * grain, mask, 2.0), rel=0.05
    )
    lined = plain_skin.copy()
    lined[::40, :] -= 12.0  # a dark line every 40 rows (2.5 % of the skin)
    assert fine_texture(lined, mask, 2.0) < 1.15 * fine_texture(plain_skin, mask, 2.0)
    assert fine_texture(plain_skin, np.zeros_like(mask), 2.0) == 0.0


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_creases_score_the_same_from_light_to_dark_skin(seed) -> None:
    scores = [wrinkles(skin(lightness, 0.03, 3, seed)).score for lightness in LIGHTNESS]
    assert min(scores) >= 40, scores
    assert max(scores) <= 1.05 * min(scores), scores
    lines = [
        wrinkles(skin(lightness, 0.03, 3, seed)).measurements["line_count"]
        for lightness in LIGHTNESS
    ]
    assert lines == [3.0] * len(LIGHTNESS)


@pytest.mark.parametrize("texture", [0.03, 0.06])
def test_skin_texture_alone_is_not_read_as_lines_on_any_tone(texture) -> None:
    """Without creases, plain skin scores no lines on any tone, even with the coarser texture
    (a larger share of sheen) that darker skin shows in photos."""
    for lightness in LIGHTNESS:
        found = wrinkles(skin(lightness, texture, 0, 7))
        assert found.score < 5, (lightness, found.measurements)


def test_deeper_texture_needs_a_deeper_crease() -> None:
    """The same crease stands out less from twice the texture: the line is measured against the
    skin around it."""
    calm = wrinkles(skin(50.0, 0.03, 3, 4))
    grainy = wrinkles(skin(50.0, 0.06, 3, 4))
    assert grainy.measurements["texture"] > 1.6 * calm.measurements["texture"]
    assert grainy.measurements["mean_depth"] < 0.75 * calm.measurements["mean_depth"]


def test_no_line_is_read_under_stubble() -> None:
    """A moustache's edge and a fold under it look alike (docs/benchmarks.md, "Smile lines under
    stubble"): a crease mostly inside `masks["stubble"]` is not read, and the region's score is
    taken over the skin outside it."""
    clean = skin(60.0, 0.03, 3, 0)
    stubbled = skin(60.0, 0.03, 3, 0)
    stubbled.masks["stubble"] = np.zeros_like(stubbled.masks["skin"])
    stubbled.masks["stubble"][160:, :] = True  # the lowest crease (row 190) and what is below
    lines, under = wrinkles(clean), wrinkles(stubbled)
    assert lines.measurements["line_count"] == 3.0
    assert under.measurements["line_count"] == 2.0
    # two of the three lines over 140 of the 220 rows read: a higher density than 2 over 220
    assert under.regions["forehead"] > wrinkles(skin(60.0, 0.03, 2, 0)).regions["forehead"]
    stubbled.masks["stubble"][:] = True  # nothing left to read: the region has no score
    assert "forehead" not in wrinkles(stubbled).regions


def test_the_whole_face_weighs_a_region_by_the_skin_read_in_it() -> None:
    """A region mostly under stubble was scored over its bare skin only; the whole-face score
    weighs it by that skin too, not by the region's full area."""
    face = skin(60.0, 0.03, 0, 0)
    top, bottom = np.zeros_like(face.masks["skin"]), np.zeros_like(face.masks["skin"])
    top[20:130, 20:-20], bottom[130:-20, 20:-20] = True, True
    face.masks.update(forehead=top, nasolabial_left=bottom)
    scores = {"forehead": 0.0, "nasolabial_left": 80.0}
    assert whole_face(face, scores) == pytest.approx(40.0, abs=0.5)  # equal areas
    stubble = np.zeros_like(bottom)
    stubble[130:-40, :] = True  # 90 of the bottom region's 110 rows
    read = 20 * 220 / (20 * 220 + 110 * 220)
    assert whole_face(face, scores, stubble) == pytest.approx(80.0 * read, rel=1e-6)
    assert whole_face(face, scores, np.zeros_like(stubble)) == whole_face(face, scores)
