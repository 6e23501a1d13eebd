"""The wrinkle detector's measurement: dark ridges that form long thin components, read as a
contrast against the skin's own fine texture so that a crease reads the same on any skin tone.

Ridges are measured on `FaceImage.weber` (`filters.weber_lightness`: a crease taking the same
share of light reads the same depth on any skin) and divided by the fine texture of the wrinkle
zones' skin (read from its bright side, `filters.bright_spread`, which dark lines do not reach
and a low-quality JPEG does not shrink), relative to
LINES_NOISE: the threshold is then the same signal-to-texture ratio on every tone. Darker skin
shows more fine texture in L* (its sheen is a larger share of its light), which the old
absolute L* depth read as lines (partial Spearman 0.47 with Monk on the neutral London faces,
age controlled; 0.25, and 0.14 with gender also controlled, after this normalisation; 0.10 and
-0.04 once the folds around the eyes were left out: docs/benchmarks.md, "Lines across skin
tones" and "The tear trough is not an under-eye line").

A ridge that runs along hair (a beard, a fringe, or a covering that `face_image.beard_mask`
takes as hair, such as a face mask worn below the nose) is that edge's outline, not a line: a
planted dark beard raised the London faces' smile-line scores by a median 71 points, a mask
below the nose by 67-97 (docs/benchmarks.md, "Lines along the edge of hair or a covering").
So is a ridge along an eye, a brow, the lips or a nostril (the lashes at the eye's outer
corner), and around the eyes the temple's shade and the tear trough are not lines (`eye_folds`):
docs/benchmarks.md, "Crow's feet". Under stubble (`stubble.stubble_mask`) no line is read: a
moustache's edge and a fold under it look alike, and the edge made 66 % of the stubbled London
men score over 50 on a smile line at rest (4 % of the women): "Smile lines under stubble".
On the forehead, an oily film's sheen is not a line: its highlights are read no brighter than
the skin around them (`_highlights_filled`; "Shine read as lines").

Everything is computed on the wrinkle zone's box (`ridge_window`), not the whole crop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import (
    Blob,
    blob_mask,
    blob_means,
    blobs,
    blur,
    dark_ridges,
    disk,
    fine_texture,
    labels_mostly_inside,
    labels_touching,
    mask_box,
    masked_blur,
    ridge_window,
)

# The median of the texture (fine_texture on weber_lightness, read from its bright side) over
# the wrinkle zones of the 204 London photos (p5-p95 0.63-1.81; bench/concern_tone_bench.py): a
# face with this texture keeps the threshold of 5 L* the detector had before. It was 0.93 (p5-p95
# 0.58-1.79) with the median absolute deviation, which a JPEG of low quality shrinks while it
# keeps deep artefacts ("Lines on compressed photos").
LINES_NOISE = 1.02
LINE_THRESHOLD = 5.0
TEXTURE_SAMPLE = 5_000
# A ridge that touches hair with more than ALONG_SHARE of its pixels within ALONG_REACH x the
# ridges' largest scale of it runs along the hair's edge (three scales: about as far as a step's
# own ridge response reaches; at two, a planted dark beard on the Monk 8-9 London faces still
# read its smile lines 91 points up, against 48, and painted fringes' foreheads 37 at the 90th
# percentile, against 20).
ALONG_SHARE = 0.5
ALONG_REACH = 3.0
# Around the eyes, degrees off the line of the eyes beyond which a line is a fold of the face's
# shape (`eye_folds`): beside an eye, and in the inner half under it.
CROWS_FEET_TILT = 45.0
TEAR_TROUGH_TILT = 30.0
# On the forehead, highlights (and HIGHLIGHT_REACH x iod around them, their soft shoulders) are
# read no brighter than the skin around them (its blur at HIGHLIGHT_FILL x iod): the skin
# between two patches of an oily film's sheen is darker than both, and was read as a line
# (planted T-zone shine raised the forehead's lines by a median 38-71 points; the darkest
# London faces' foreheads read 17-40 from their own sheen: "Shine read as lines").
HIGHLIGHT_FILL = 0.05
HIGHLIGHT_REACH = 0.03


@dataclass(frozen=True, eq=False)
class LineMap:
    found: list[Blob]  # the lines, centres in crop coordinates
    texture: float  # fine_texture of the zone's skin (weber_lightness units)
    window: tuple[slice, slice]  # where `ridges` and `labels` lie in the crop
    ridges: np.ndarray  # ridge response over the window, in threshold units x LINE_THRESHOLD
    labels: np.ndarray  # components over the window
    kept: list[Blob]  # the lines in window coordinates (for the label mask)

    def painted(self, shape: tuple[int, ...]) -> np.ndarray:
        """Crop-sized: each line's response / (3 x threshold), at most 1; 0 elsewhere."""
        out = np.zeros(shape[:2], dtype=np.float32)
        strength = np.minimum(self.ridges / (3 * LINE_THRESHOLD), 1.0)
        out[self.window] = blob_mask(self.labels, self.kept) * strength
        return out


def find_lines(face: FaceImage, zone: np.ndarray) -> LineMap:
    iod = face.eye_distance
    sigmas = (0.012 * iod, 0.02 * iod, 0.03 * iod)
    window = ridge_window(zone, sigmas) or (slice(0, 0), slice(0, 0))
    inside = zone[window]
    if not inside.any():
        empty = np.zeros(inside.shape, dtype=np.float32)
        return LineMap([], LINES_NOISE, window, empty, empty.astype(np.int32), [])
    contrast = np.ascontiguousarray(face.weber()[window])
    usable = inside & face.masks["usable"][window]
    # the texture's blur is the ridges' middle scale: blurred once, read by both (on the
    # usable pixels the window's blur is the one fine_texture computes on their box)
    fine = {sigmas[1]: blur(contrast, sigmas[1])}
    texture = fine_texture(
        contrast, usable, sigmas[1], TEXTURE_SAMPLE, fine[sigmas[1]], bright_side=True
    )
    # the forehead's sheen: elsewhere highlights sit on folds and rims, whose lines they border
    bright = (face.masks["specular"] & face.region("forehead"))[window]
    filled = _highlights_filled(contrast, bright, usable, iod)
    ridges = dark_ridges(filled, sigmas, fine if filled is contrast else None)
    ridges *= LINES_NOISE / max(texture, 0.25 * LINES_NOISE)
    found, labels = blobs(inside & (ridges > LINE_THRESHOLD), 0.0, inside.size)
    reach = round(ALONG_REACH * sigmas[-1])
    outline = along(face.masks["hair"][window], labels, reach)
    if (oval := face.masks.get("face")) is not None:  # the eyes, brows, lips and nostrils
        outline |= along((oval & ~face.masks["skin"])[window], labels, reach)
    if (stubble := face.masks.get("stubble")) is not None and stubble[window].any():
        outline |= labels_mostly_inside(stubble[window], labels)  # not read under stubble
    kept = [
        b
        for b in blob_means(labels, found, ridges)
        if b.length > 0.12 * iod and b.elongation > 5.0 and b.label not in outline
    ]
    y0, x0 = window[0].start, window[1].start
    shifted = [replace(b, centre=(b.centre[0] + x0, b.centre[1] + y0)) for b in kept]
    folds = eye_folds(face, labels, kept, shifted)
    kept = [b for b in kept if b.label not in folds]
    shifted = [b for b in shifted if b.label not in folds]
    return LineMap(shifted, texture, window, ridges, labels, kept)


def _highlights_filled(
    contrast: np.ndarray, bright: np.ndarray, usable: np.ndarray, iod: float
) -> np.ndarray:
    """Specular highlights no brighter than the skin around them (its blur at HIGHLIGHT_FILL x
    iod): the skin between two highlights is darker than both, and read as a dark ridge it made
    an oily forehead's sheen into lines."""
    if not bright.any():
        return contrast
    fill = masked_blur(contrast, usable, HIGHLIGHT_FILL * iod)
    reach = cv2.dilate(bright.astype(np.uint8), disk(max(1, round(HIGHLIGHT_REACH * iod))))
    return np.where(reach > 0, np.minimum(contrast, fill), contrast).astype(np.float32)


def eye_folds(
    face: FaceImage, labels: np.ndarray, kept: list[Blob], shifted: list[Blob]
) -> set[int]:
    """The lines around the eyes that are the face's shape, not wrinkles (region by the line's
    centre, direction from the second moments of its pixels, against the line of the eyes):
    - beside an eye (periorbital), a line more than CROWS_FEET_TILT off the eye line: a crow's
      foot runs out from the eye's corner, the shade where the temple turns away runs down. Every
      periorbital line on the 102 neutral London photos ran 69-89 deg off the eye line, and
      scored the region over 50 on 8 % of the Monk 1-3 faces and 50 % of the Monk 6-10 faces;
    - under an eye, in its inner half (nearer the nose than the region's middle), a line more
      than TEAR_TROUGH_TILT off it: the tear trough running down from the inner corner (31-51
      deg on the London photos; the lines along the lower lid run 0-23 deg). It made 9 of the 11
      under-eye lines of the Monk 6-10 faces and 9 of the 23 of the others."""
    beside = face.region("periorbital_right") | face.region("periorbital_left")
    under = {side: face.region(f"under_eye_{side}") for side in ("right", "left")}
    chosen = []
    for blob, placed in zip(kept, shifted, strict=True):
        x, y = int(placed.centre[0]), int(placed.centre[1])
        where = "beside" if beside[y, x] else next((s for s, m in under.items() if m[y, x]), None)
        if where is not None:
            chosen.append((blob, placed, where))
    if not chosen:
        return set()
    middles = {s: np.argwhere(face.masks[f"under_eye_{s}"])[:, ::-1] for s in ("right", "left")}
    axis, centre = np.array([1.0, 0.0]), None  # the line of the eyes, from under them
    if all(len(points) for points in middles.values()):
        right, left = (middles[s].mean(axis=0) for s in ("right", "left"))
        axis, centre = (
            (left - right) / max(float(np.linalg.norm(left - right)), 1e-6),
            (left + right) / 2,
        )
    eyes = math.atan2(axis[1], axis[0])
    folds = set()
    for blob, placed, where in chosen:
        ys, xs = np.nonzero(labels == blob.label)
        x, y = xs - xs.mean(), ys - ys.mean()
        angle = 0.5 * math.atan2(
            2.0 * float((x * y).mean()), float((x * x).mean() - (y * y).mean())
        )
        tilt = abs((math.degrees(angle - eyes) + 90.0) % 180.0 - 90.0)
        if where == "beside":
            folds |= {blob.label} if tilt > CROWS_FEET_TILT else set()
        elif centre is not None and tilt > TEAR_TROUGH_TILT:
            middle = middles[where].mean(axis=0)
            inner = abs((np.array(placed.centre) - centre) @ axis) < abs((middle - centre) @ axis)
            folds |= {blob.label} if inner else set()
    return folds


def along(mask: np.ndarray, labels: np.ndarray, radius: int) -> set[int]:
    """The labels that touch `mask` (within 2 pixels) with more than ALONG_SHARE of their
    pixels within `radius` pixels of it: ridges that run along its edge. A line that only
    reaches it at an end (a forehead line running into the hair at the temple), or runs beside
    it without touching it, is kept."""
    if not mask.any() or not labels.any():
        return set()
    touch = labels_touching(mask, labels)
    if not touch.size:
        return set()
    chosen = np.isin(labels, touch)  # the touching labels, read on their box grown by `radius`
    grown = mask_box(chosen, max(2, radius)) or (slice(0, 0), slice(0, 0))
    near = cv2.dilate(mask[grown].view(np.uint8), disk(max(2, radius))).view(bool)
    own = labels[grown]
    total = np.bincount(own[chosen[grown]], minlength=int(touch.max()) + 1)
    close = np.bincount(own[chosen[grown] & near], minlength=total.size)
    return {int(label) for label in touch if close[label] > ALONG_SHARE * total[label]}
