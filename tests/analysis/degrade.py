"""Degraded copies of a real face: what a phone, an app or a pair of glasses does to a photo.

Every variant is `f(rgb, points, seed) -> rgb`, with `points` the landmarks of the original.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis import landmarks as lm
from tests.analysis.synthetic import jpeg_round_trip

Variant = Callable[[np.ndarray, np.ndarray, int], np.ndarray]
NOSE_BRIDGE = 168  # the top of the bridge of the nose, between the eyes
NOSE_MIDDLE = 195  # the face mesh's point halfway down the bridge of the nose: a mask's top edge
LOWER_LIP = 17  # the middle of the lower lip's lower edge


def scaled(factor: float) -> Variant:
    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        size = (max(1, round(rgb.shape[1] * factor)), max(1, round(rgb.shape[0] * factor)))
        return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)

    return apply


def to_side(side: int) -> Variant:
    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        return cv2.resize(rgb, (side, side), interpolation=cv2.INTER_AREA)

    return apply


def blurred(sigma: float) -> Variant:
    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        return cv2.GaussianBlur(rgb, (0, 0), sigma)

    return apply


def beauty(passes: int, colour: float, space_iod: float) -> Variant:
    """Edge-preserving smoothing as beauty modes do: texture goes, outlines stay."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        space = space_iod * lm.eye_distance(points)
        out = rgb
        for _ in range(passes):
            out = cv2.bilateralFilter(out, 0, colour, space)
        return out

    return apply


def jpeg(quality: int) -> Variant:
    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        return jpeg_round_trip(rgb, quality)

    return apply


def sensor_noise(sigma: float, quality: int = 85) -> Variant:
    """Seeded Gaussian noise of `sigma` levels, shared by the channels (luminance) plus as much
    per channel (chroma), then JPEG: a dim room's phone or webcam photo."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        noise = rng.normal(0.0, sigma, (*rgb.shape[:2], 1)) + rng.normal(0.0, sigma, rgb.shape)
        return jpeg_round_trip(np.clip(rgb + noise, 0, 255).astype(np.uint8), quality)

    return apply


def side_shade(low: float, quality: int = 90) -> Variant:
    """Light falling off across one half of the face, in linear light: full from the middle of
    the face to the subject's left (the photo's right), down to `low` at the face's other edge;
    then JPEG. The lit half is left as it was."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        left, right = float(points[:, 0].min()), float(points[:, 0].max())
        x = np.arange(rgb.shape[1], dtype=np.float32)
        ramp = np.clip(1.0 + 2.0 * (x - (left + right) / 2) / (right - left), 0.0, 1.0)
        gain = (low + (1.0 - low) * ramp)[np.newaxis, :, np.newaxis]
        shaded = colour.linear_to_srgb(colour.srgb_to_linear(rgb) * gain) * 255
        return jpeg_round_trip(np.clip(np.round(shaded), 0, 255).astype(np.uint8), quality)

    return apply


def line_across(points: np.ndarray, down: float, below: float) -> float:
    """The row of a line across the face: `down` of the way from the top of the face mesh to the
    eyes' centre, then `below` eye distances lower (negative: higher). With `down` 0, 0.5 or 1
    the products are exact and the one addition that rounds rounds as written out: the same
    float as `top + below * iod`, `(top + eyes) / 2` (`below` 0) or `eyes + below * iod`."""
    top = float(points[:, 1].min())
    eyes = float(lm.eyes_centre(points)[1])
    return top * (1.0 - down) + eyes * down + below * lm.eye_distance(points)


def brim_shade(low: float, edge: str = "brows", quality: int = 90) -> Variant:
    """The shade of a cap's brim: the light cut to `low` (linear) above a line across the face
    (`edge`: "forehead", halfway from the top of the face mesh to the eyes; "brows", a quarter
    of the eye distance above the eyes; "eyes"), with a soft edge 0.15 eye distance wide; then
    JPEG. The face below is left as it was."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        return jpeg_round_trip(shaded_above(rgb, points, low, edge), quality)

    return apply


def shaded_above(rgb: np.ndarray, points: np.ndarray, low: float, edge: str) -> np.ndarray:
    """`brim_shade` before its JPEG."""
    iod = lm.eye_distance(points)
    line = line_across(
        points, *{"forehead": (0.5, 0.0), "brows": (1.0, -0.25), "eyes": (1.0, 0.0)}[edge]
    )
    y = np.arange(rgb.shape[0], dtype=np.float32)
    ramp = np.clip((y - line) / (0.15 * iod) + 0.5, 0.0, 1.0)  # 0 above the line, 1 below
    gain = (low + (1.0 - low) * ramp)[:, np.newaxis, np.newaxis]
    shaded = colour.linear_to_srgb(colour.srgb_to_linear(rgb) * gain) * 255
    return np.clip(np.round(shaded), 0, 255).astype(np.uint8)


SCARVES = {
    "black": (24, 24, 27),
    "navy": (32, 42, 88),
    "beige": (200, 180, 150),
    "white": (232, 232, 230),
    "dusty pink": (196, 150, 150),
}


def scarf(colour: tuple[int, int, int], edge: str = "mid", quality: int = 90) -> Variant:
    """A headscarf: fabric of `colour` (with a little weave noise) over the head above a line
    (`edge`: "hairline", a tenth of the eye distance below the face mesh's top; "mid", halfway
    from there to the eyes; "brows", just above the brows), and framing the face: over the outer
    0.12 eye distance of the face oval and around it out to 0.6 eye distance; the background
    beyond is left as it was. Then JPEG."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        line = line_across(
            points, *{"hairline": (0.0, 0.1), "mid": (0.5, 0.0), "brows": (1.0, -0.45)}[edge]
        )
        height, width = rgb.shape[:2]
        around, inner = head_outline(rgb.shape, points, 0.12)
        covered = around & ~inner
        covered[: max(0, int(line))] |= around[: max(0, int(line))]
        weave = np.random.default_rng(seed).normal(0.0, 6.0, (height, width, 1))
        fabric = np.clip(np.array(colour, np.float32) + weave, 0, 255).astype(np.uint8)
        out = rgb.copy()
        out[covered] = fabric[covered]
        return jpeg_round_trip(out, quality)

    return apply


def head_outline(
    shape: tuple[int, ...], points: np.ndarray, depth: float
) -> tuple[np.ndarray, np.ndarray]:
    """The head around the face (the face mesh's hull grown by 0.6 eye distance) and the face
    less its outer `depth` eye distances (boolean masks)."""
    iod = lm.eye_distance(points)
    hull = cv2.convexHull(np.round(points[:, :2]).astype(np.int32))
    oval = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(oval, hull, (1,))
    around = cv2.dilate(oval, np.ones((round(1.2 * iod),) * 2, np.uint8))
    inner = cv2.erode(oval, np.ones((max(1, round(2 * depth * iod)),) * 2, np.uint8))
    return around.astype(bool), inner.astype(bool)


def saturated(factor: float) -> Variant:
    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
        lab[..., 1:] *= factor
        back = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
        return np.round(np.clip(back, 0, 1) * 255).astype(np.uint8)

    return apply


def glare(size: float) -> Variant:
    """A near-white reflection on each lens, `size` x the eye distance wide, at a seeded place
    over the eye."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        iod = lm.eye_distance(points)
        weight = np.zeros(rgb.shape[:2], dtype=np.float32)
        for corners in (lm.RIGHT_EYE_CORNERS, lm.LEFT_EYE_CORNERS):
            centre = points[list(corners), :2].mean(axis=0) + rng.uniform(-0.08, 0.08, 2) * iod
            axes = (round(size * iod / 2), round(size * iod / 3.5))
            cv2.ellipse(
                weight,
                (round(centre[0]), round(centre[1])),
                axes,
                float(rng.uniform(-30, 30)),
                0,
                360,
                (1.0,),
                -1,
                cv2.LINE_AA,
            )
        weight = cv2.GaussianBlur(weight, (0, 0), max(0.8, 0.01 * iod))[..., np.newaxis]
        out = rgb.astype(np.float32) * (1 - weight) + 250.0 * weight
        return np.clip(out, 0, 255).astype(np.uint8)

    return apply


def painted(
    rgb: np.ndarray, mask: np.ndarray, fill: tuple[int, int, int], grain: np.ndarray
) -> np.ndarray:
    """`rgb` with `mask` painted `fill` plus `grain` (fabric, lenses, hair), then JPEG."""
    out = np.where(mask[..., np.newaxis], np.asarray(fill, np.float64) + grain, rgb)
    return jpeg_round_trip(np.clip(np.round(out), 0, 255).astype(np.uint8), 90)


def fine_grain(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """A little seeded grain, shared by the channels: fabric or lenses."""
    return np.random.default_rng(seed).normal(0.0, 4.0, (*shape[:2], 1))


def lower_face(shape: tuple[int, ...], points: np.ndarray, top: float) -> np.ndarray:
    """The face outline below the height `top`, closed by a level line there."""
    oval = points[list(lm.FACE_OVAL), :2]
    below = oval[oval[:, 1] >= top]
    side = [[oval[:, 0].min(), top], [oval[:, 0].max(), top]]
    hull = cv2.convexHull(np.round(np.vstack([below, side])).astype(np.int32))
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, hull, (1,))
    return mask


def face_mask(fill: tuple[int, int, int]) -> Variant:
    """A face mask: the face outline from the bridge of the nose down, in one colour."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        mask = lower_face(rgb.shape, points, float(points[NOSE_MIDDLE, 1]))
        return painted(rgb, mask.astype(bool), fill, fine_grain(rgb.shape, seed))

    return apply


def mask_below_nose(fill: tuple[int, int, int]) -> Variant:
    """A face mask pulled down under the nose: the face outline from just below the nose (a
    tenth of the bridge-to-nose height) down, lips covered, in one colour."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        nose = float(points[lm.SUBNASALE, 1])
        top = nose + 0.1 * (nose - float(points[NOSE_BRIDGE, 1]))
        mask = lower_face(rgb.shape, points, top)
        return painted(rgb, mask.astype(bool), fill, fine_grain(rgb.shape, seed))

    return apply


def beard(fill: tuple[int, int, int]) -> Variant:
    """A full beard: the face outline below the nose (upper lip, jaw, chin), the lips left bare,
    in one colour with the coarse grain of hair."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        mask = lower_face(rgb.shape, points, float(points[lm.SUBNASALE, 1]))
        lips = cv2.convexHull(np.round(points[list(lm.EXCLUDED["lips"]), :2]).astype(np.int32))
        cv2.fillConvexPoly(mask, lips, (0,))
        rng = np.random.default_rng(seed)
        strands = cv2.GaussianBlur(rng.normal(0.0, 30.0, rgb.shape[:2]), (0, 0), 1.0)[..., None]
        return painted(rgb, mask.astype(bool), fill, strands)

    return apply


def fringe(depth: float, fill: tuple[int, int, int]) -> Variant:
    """Hair of colour `fill` over the forehead from the hairline down `depth` of the way to the
    brows, with a ragged, soft edge and loose strands below it (the hair's own grain)."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        h, w = rgb.shape[:2]
        eyes = float(np.linalg.norm(points[lm.RIGHT_EYE_CORNERS[0], :2] - points[133, :2]))
        # (`eyes` is the right eye's width, about a third of the eye distance: the lengths below
        # are in it)
        top = float(points[list(lm.FACE_OVAL), 1].min())  # below the hairline
        brows = float(points[list(lm.EXCLUDED["brow_right"] + lm.EXCLUDED["brow_left"]), 1].min())
        edge = top + depth * (brows - top)
        ragged = cv2.GaussianBlur(rng.normal(0.0, 1.0, (1, w)), (0, 0), eyes * 0.15)[0]
        ragged = edge + ragged / (np.abs(ragged).max() + 1e-9) * 0.15 * eyes
        hair = np.zeros((h, w), np.float32)
        rows = np.arange(h)[:, None]
        hair[rows <= ragged[None, :]] = 1.0
        for x in rng.integers(0, w, size=w // 6):  # loose strands hanging below the edge
            length = rng.uniform(0.05, 0.35) * eyes
            end = (int(x + rng.normal(0, 3)), int(ragged[x] + length))
            cv2.line(hair, (int(x), int(ragged[x])), end, 1.0, 1)
        oval = points[list(lm.FACE_OVAL), :2]
        upper = oval[oval[:, 1] < brows + 0.3 * eyes]
        lifted = np.column_stack([upper[:, 0], np.zeros(len(upper))])  # hair from above
        outline = cv2.convexHull(np.round(np.vstack([upper, lifted])).astype(np.int32))
        inside = np.zeros((h, w), np.float32)
        cv2.fillConvexPoly(inside, outline, (1.0,))
        hair *= inside
        alpha = cv2.GaussianBlur(hair, (0, 0), 0.8)[..., None]
        grain = cv2.GaussianBlur(rng.normal(0.0, 60.0, (h, w)), (0, 0), 0.8, sigmaY=6.0)
        colour_ = np.asarray(fill, np.float64) + grain[..., None]
        out = rgb * (1 - alpha) + colour_ * alpha
        return jpeg_round_trip(np.clip(np.round(out), 0, 255).astype(np.uint8), 90)

    return apply


def sunglasses(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
    """Dark lenses over each eye, from the brow to below the eye."""
    mask = np.zeros(rgb.shape[:2], np.uint8)
    for side in ("right", "left"):
        ids = lm.EXCLUDED[f"brow_{side}"] + lm.EXCLUDED[f"eye_{side}"]
        ids += lm.REGIONS[f"under_eye_{side}"]
        cv2.fillConvexPoly(
            mask, cv2.convexHull(np.round(points[list(ids), :2]).astype(np.int32)), (1,)
        )
    return painted(rgb, mask.astype(bool), (20, 20, 25), fine_grain(rgb.shape, seed))


def closed_eyes(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
    """Each eye painted over with its lids' skin (the skin around it, a little darker). The
    landmarks of such a copy must be closed too (`closed_lids`): the face mesh on a painted copy
    still finds the eyes open."""
    out = rgb.copy()
    for side in ("right", "left"):
        outline = np.round(points[list(lm.EXCLUDED[f"eye_{side}"]), :2]).astype(np.int32)
        eye = np.zeros(rgb.shape[:2], np.uint8)
        cv2.fillPoly(eye, [outline], (1,))
        ring = (cv2.dilate(eye, np.ones((9, 9), np.uint8)) & ~eye).astype(bool)
        out[eye.astype(bool)] = np.median(rgb[ring], axis=0) * 0.9
    return jpeg_round_trip(cv2.GaussianBlur(out, (0, 0), 0.6), 90)


def closed_lids(points: np.ndarray) -> np.ndarray:
    """The landmarks with each upper lid's middle on the lower lid's: closed eyes."""
    closed = points.copy()
    for upper, lower in (lm.RIGHT_LIDS, lm.LEFT_LIDS):
        closed[upper] = closed[lower]
    return closed


def cut_below_nose(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
    """The picture ends at the tip of the nose: the rest of the face is out of frame."""
    return np.ascontiguousarray(rgb[: int(points[lm.NOSE_TIP, 1])])


def cut_below_lips(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
    """The picture ends at the lower lip: the chin is out of frame (a close-up)."""
    return np.ascontiguousarray(rgb[: int(points[LOWER_LIP, 1])])


VARIANTS: dict[str, Variant] = {
    "original": lambda rgb, points, seed: rgb,
    "downscaled x0.6": scaled(0.6),
    "downscaled x0.3": scaled(0.3),
    "80x80": to_side(80),
    "JPEG q40": jpeg(40),
    "sensor noise 8": sensor_noise(8.0),
    "side shade 1/8": side_shade(0.125),
    "blur sigma 1 px": blurred(1.0),
    "blur sigma 2.5 px": blurred(2.5),
    "mild smoothing": beauty(1, 12.0, 0.02),
    "beauty filter": beauty(3, 30.0, 0.05),
    "chroma x1.8": saturated(1.8),
    "black and white": saturated(0.0),
    "glasses glare": glare(0.3),
    "face mask (blue)": face_mask((150, 190, 225)),
    "face mask (white)": face_mask((236, 238, 240)),
    "face mask (black)": face_mask((30, 30, 32)),
    "face mask below the nose (blue)": mask_below_nose((150, 190, 225)),
    "sunglasses": sunglasses,
    "beard (dark)": beard((45, 35, 30)),
    "beard (grey)": beard((150, 148, 146)),
    "fringe (half the forehead)": fringe(0.5, (48, 36, 30)),
    "fringe (black)": fringe(0.5, (22, 20, 20)),
    "cut below the nose": cut_below_nose,
    "cut below the lips": cut_below_lips,
}
