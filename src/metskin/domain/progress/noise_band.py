"""Noise band of progress comparisons: per concern (and "tone", ITA degrees) and region
("face": the whole-face value), the largest |change| between the neutral and smiling
photos of the same London face (same session), on the odd face ids (50 pairs),
at least MIN_BAND. Generated: do not edit. Regenerate with:

    PYTHONPATH=src:. .venv/bin/python bench/progress_band.py --write
"""

from metskin.domain.analysis.scoring import SCORE_SPREAD

MIN_BAND: dict[str, float] = {**{"default": 3.0, "tone": 1.0}, **SCORE_SPREAD}
BANDS: dict[str, dict[str, float]] = {
    "acne": {
        "cheek_left": 3.0,
        "cheek_right": 3.0,
        "chin": 32.1,
        "face": 6.5,
        "forehead": 3.0,
        "nose": 36.4,
        "under_eye_left": 3.0,
        "under_eye_right": 3.0,
    },
    "dark_circles": {
        "face": 23.8,
        "under_eye_left": 25.4,
        "under_eye_right": 31.1,
    },
    "pigmentation": {
        "cheek_left": 13.1,
        "cheek_right": 100.0,
        "chin": 13.1,
        "face": 28.8,
        "forehead": 65.5,
        "nose": 13.1,
        "under_eye_left": 13.1,
        "under_eye_right": 13.1,
    },
    "pores": {
        "cheek_left": 11.8,
        "cheek_right": 16.0,
        "face": 9.0,
        "nose": 19.1,
    },
    "redness": {
        "cheek_left": 29.2,
        "cheek_right": 28.5,
        "chin": 13.1,
        "face": 11.8,
        "forehead": 5.5,
        "nose": 27.9,
        "under_eye_left": 10.4,
        "under_eye_right": 7.8,
    },
    "shine": {
        "cheek_left": 59.0,
        "cheek_right": 19.4,
        "chin": 14.7,
        "face": 20.1,
        "forehead": 21.6,
        "nose": 28.8,
    },
    "tone": {
        "cheek_left": 11.0,
        "cheek_right": 9.3,
        "chin": 19.4,
        "face": 8.8,
        "forehead": 12.1,
        "nasolabial_left": 42.1,
        "nasolabial_right": 35.1,
        "nose": 16.0,
        "periorbital_left": 46.5,
        "periorbital_right": 34.1,
        "under_eye_left": 23.5,
        "under_eye_right": 25.3,
    },
    "wrinkles": {
        "face": 26.6,
        "forehead": 27.4,
        "nasolabial_left": 93.5,
        "nasolabial_right": 97.8,
        "periorbital_left": 64.2,
        "periorbital_right": 84.1,
        "under_eye_left": 100.0,
        "under_eye_right": 100.0,
    },
}
