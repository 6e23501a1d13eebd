"""MediaPipe face-mesh landmark indices (478-point topology) and pose from landmarks.

"right" and "left" are the subject's: the right cheek is on the left of a non-mirrored photo.
"""

from __future__ import annotations

import math

import numpy as np

FACE_OVAL = (
    10,
    338,
    297,
    332,
    284,
    251,
    389,
    356,
    454,
    323,
    361,
    288,
    397,
    365,
    379,
    378,
    400,
    377,
    152,
    148,
    176,
    149,
    150,
    136,
    172,
    58,
    132,
    93,
    234,
    127,
    162,
    21,
    54,
    103,
    67,
    109,
)

# Skin regions reported to the user.
REGIONS: dict[str, tuple[int, ...]] = {
    "forehead": (
        54,
        103,
        67,
        109,
        10,
        338,
        297,
        332,
        284,
        298,
        293,
        334,
        296,
        336,
        9,
        107,
        66,
        105,
        63,
        68,
    ),
    "cheek_right": (117, 118, 119, 120, 100, 142, 36, 205, 187, 147, 123, 116),
    "cheek_left": (346, 347, 348, 349, 329, 371, 266, 425, 411, 376, 352, 345),
    "nose": (
        168,
        193,
        188,
        174,
        236,
        198,
        209,
        48,
        219,
        218,
        237,
        44,
        1,
        274,
        457,
        438,
        439,
        278,
        429,
        420,
        456,
        399,
        412,
        417,
    ),
    "chin": (106, 182, 83, 18, 313, 406, 335, 424, 262, 369, 396, 175, 171, 140, 32, 204),
    "under_eye_right": (31, 228, 229, 230, 231, 232, 121, 120, 119, 118, 117, 111),
    "under_eye_left": (261, 448, 449, 450, 451, 452, 350, 349, 348, 347, 346, 340),
    # Extra zones for lines: crow's feet and nasolabial folds. The crow's feet run from the eye's
    # outer corner to the temple (the zone was the strip at the temple alone: too narrow for a
    # line across it to be long enough, so it read only the temple's shade running down it).
    "periorbital_right": (226, 113, 124, 139, 34, 116, 111, 31, 25),
    "periorbital_left": (446, 342, 353, 368, 264, 345, 340, 261, 255),
    "nasolabial_right": (142, 36, 205, 207, 212, 57, 186, 92, 165, 203),
    "nasolabial_left": (371, 266, 425, 427, 432, 287, 410, 322, 391, 423),
}

MAIN_REGIONS = (
    "forehead",
    "cheek_right",
    "cheek_left",
    "nose",
    "chin",
    "under_eye_right",
    "under_eye_left",
)
UNIONS: dict[str, tuple[str, ...]] = {
    "t_zone": ("forehead", "nose", "chin"),
    "u_zone": ("cheek_right", "cheek_left"),
}

# Non-skin parts cut out of every region (polygons, dilated by a fraction of the eye distance).
EXCLUDED: dict[str, tuple[int, ...]] = {
    "eye_right": (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246),
    "eye_left": (263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466),
    "brow_right": (70, 63, 105, 66, 107, 55, 65, 52, 53, 46),
    "brow_left": (300, 293, 334, 296, 336, 285, 295, 282, 283, 276),
    "lips": (
        61,
        146,
        91,
        181,
        84,
        17,
        314,
        405,
        321,
        375,
        291,
        409,
        270,
        269,
        267,
        0,
        37,
        39,
        40,
        185,
    ),
}
# Point sets whose convex hull is cut out.
EXCLUDED_HULLS: dict[str, tuple[int, ...]] = {
    "nostril_right": (79, 166, 59, 60, 20, 238, 239, 241, 242, 75, 240, 64, 98, 97, 99),
    "nostril_left": (309, 392, 289, 290, 250, 458, 459, 461, 462, 305, 460, 294, 327, 326, 328),
}

RIGHT_EYE_CORNERS = (33, 133)
LEFT_EYE_CORNERS = (263, 362)
RIGHT_LIDS = (159, 145)  # the middle of the upper and of the lower lid
LEFT_LIDS = (386, 374)
FACE_EDGE_RIGHT = 234
FACE_EDGE_LEFT = 454
MOUTH_CORNERS = (61, 291)
INNER_LIPS = (13, 14)  # the middle of the upper and of the lower lip's inner edge
NOSE_TIP = 1
SUBNASALE = 2  # where the nose meets the upper lip
FOREHEAD_TOP = 10  # the top of the face's midline (the hairline's middle)
CHIN_BOTTOM = 152  # the bottom of the face's midline
# Pitch a frontal face gets by this measure (median of the 102 London Set studio portraits).
PITCH_OFFSET_DEG = -8.0


def eye_distance(points: np.ndarray) -> float:
    """Distance between the eye centres, the face's natural length unit."""
    # (a + b) / 2 and sqrt(d . d): the values of .mean(axis=0) and np.linalg.norm, at a
    # fraction of their call overhead (every step asks for this distance)
    right = (points[RIGHT_EYE_CORNERS[0], :2] + points[RIGHT_EYE_CORNERS[1], :2]) / 2
    left = (points[LEFT_EYE_CORNERS[0], :2] + points[LEFT_EYE_CORNERS[1], :2]) / 2
    across = left - right
    return float(np.sqrt(across.dot(across)))


def face_box(points: np.ndarray) -> tuple[float, float, float, float]:
    oval = points[list(FACE_OVAL), :2]
    x0, y0 = oval.min(axis=0)
    x1, y1 = oval.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def smile(points: np.ndarray) -> float:
    """How much the face smiles, in eye distances: the mouth's width, plus 1.5 x how far its
    corners rise above the lips' middle, plus 2.5 x the lips' parting, the heights taken across
    the line of the eyes (so a tilted head reads the same). The weights separate the London
    photos best: neutral 0.67-0.98, smiling 0.78-1.54 (median 1.15)."""
    eyes = points[list(LEFT_EYE_CORNERS), :2].mean(axis=0) - points[
        list(RIGHT_EYE_CORNERS), :2
    ].mean(axis=0)
    across = np.array([-eyes[1], eyes[0]]) / max(float(np.linalg.norm(eyes)), 1e-6)
    distance = max(eye_distance(points), 1e-6)
    corners = points[list(MOUTH_CORNERS), :2]
    width = float(np.linalg.norm(corners[0] - corners[1]))
    upper, lower = points[INNER_LIPS[0], :2], points[INNER_LIPS[1], :2]
    lift = float(((upper + lower) / 2.0 - corners.mean(axis=0)) @ across)
    parting = float((lower - upper) @ across)
    return (width + 1.5 * lift + 2.5 * parting) / distance


def eye_openness(points: np.ndarray) -> float:
    """The more open eye's height (upper to lower lid, at the middle) over its width (corner to
    corner): 0.20-0.44 on the London photos, neutral and smiling; near 0 for a closed eye."""
    found = []
    for (upper, lower), (outer, inner) in (
        (RIGHT_LIDS, RIGHT_EYE_CORNERS),
        (LEFT_LIDS, LEFT_EYE_CORNERS),
    ):
        width = float(np.linalg.norm(points[outer, :2] - points[inner, :2]))
        height = float(np.linalg.norm(points[upper, :2] - points[lower, :2]))
        found.append(height / max(width, 1e-6))
    return max(found)


def eyes_centre(points: np.ndarray) -> np.ndarray:
    """The middle of the four eye corners (in the points' own coordinates)."""
    return np.asarray(points[list(RIGHT_EYE_CORNERS + LEFT_EYE_CORNERS)].mean(axis=0))


def head_pose(points: np.ndarray) -> tuple[float, float]:
    """Yaw and pitch in degrees from the 3-D landmarks (0, 0 is a frontal face)."""
    right = points[FACE_EDGE_RIGHT]
    left = points[FACE_EDGE_LEFT]
    across = left - right
    yaw = math.degrees(math.atan2(float(across[2]), float(np.hypot(across[0], across[1]))))
    eyes = eyes_centre(points)
    mouth = points[list(MOUTH_CORNERS)].mean(axis=0)
    down = mouth - eyes
    pitch = math.degrees(math.atan2(float(down[2]), float(np.hypot(down[0], down[1]))))
    return yaw, pitch - PITCH_OFFSET_DEG
