"""Stubble: short beard hairs over the skin below the nose, which the hair mask (dark patches
touching the outline) and the beard mask (a covering's colour) both miss. Read as skin, a
stubbled chin's denser patches are dark spots and the edge of a moustache is a smile line.

Stubble is fine texture: the robust spread of L* against its blur at the skin's fine scale is,
on the chin, 0.75-1.16 x the forehead's on the 49 London women (0.92 median) and up to 4.2 x on
the men (1.28 median). When the chin's texture is STUBBLE_RATIO x the forehead's or more, the
pixels below the nose whose local texture (the RMS of the same high-pass over LOCAL_SCALE eye
distances) is that far above the forehead's are stubble. A dark blob mostly inside it is not a
dark spot (`spots.edge_labels`), nor a line (`lines.find_lines`); the regions' areas for both
leave it out, and the result says so (STUBBLE). Stubble is not hair to the tone or the other
detectors: the chin's gate can flip between two photos of a face near it, and the tone would
jump with it. docs/benchmarks.md, "Stubble read as dark spots and lines" and "Smile lines under
stubble", has the measurements.
"""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.filters import blur, fine_texture, mask_box

FINE_SCALE = 0.015  # x the eye distance: scoring.FINE_TEXTURE_SCALE, the skin's fine texture
LOCAL_SCALE = 0.05  # x the eye distance: the texture's neighbourhood
STUBBLE_RATIO = 1.6
MIN_REFERENCE = 400  # forehead pixels: fewer (a fringe), and nothing is taken
# The result warns (STUBBLE, `engine.stubble_issue`) when stubble covers this share of the
# smile lines' skin: 20-61 % (p10-p90) of it on the London photos where stubble was found.
STUBBLE_NOTE = 0.1


def stubble_mask(
    lightness: np.ndarray, masks: dict[str, np.ndarray], points: np.ndarray, eye_distance: float
) -> np.ndarray:
    """The stubbled skin below the nose (empty when the chin is not stubbled)."""
    none = np.zeros_like(masks["skin"])
    open_skin = masks["skin"] & ~masks["hair"] & ~masks["specular"]
    reference = masks["forehead"] & open_skin
    chin = masks["chin"] & open_skin
    if np.count_nonzero(reference) < MIN_REFERENCE or not chin.any():
        return none
    fine = FINE_SCALE * eye_distance
    level = fine_texture(lightness, reference, fine)
    if level <= 0 or fine_texture(lightness, chin, fine) < STUBBLE_RATIO * level:
        return none
    below = masks["skin"] & ~masks["hair"]
    below[: max(0, int(np.ceil(points[lm.SUBNASALE, 1])))] = False
    window = mask_box(below, int(np.ceil(3 * LOCAL_SCALE * eye_distance)))
    if window is None:
        return none
    plane = np.ascontiguousarray(lightness[window], dtype=np.float32)
    high = plane - blur(plane, fine)
    local = cv2.sqrt(blur(high * high, LOCAL_SCALE * eye_distance))
    found = none.copy()
    found[window] = below[window] & (local > STUBBLE_RATIO * level)
    return found
