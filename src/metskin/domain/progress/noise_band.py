"""Noise band of progress comparisons: per concern (and "tone", ITA degrees) and region
("face": the whole-face value), the largest |change| between the neutral and smiling
photos of the same London face (same session), on the odd face ids (50 pairs),
at least MIN_BAND. Generated: do not edit. Regenerate with:

    PYTHONPATH=src:. .venv/bin/python bench/progress_band.py --write
"""

from metskin.domain.analysis.concerns import SCORE_SPREAD

MIN_BAND: dict[str, float] = {**{"default": 3.0, "tone": 1.0}, **SCORE_SPREAD}
BANDS: dict[str, dict[str, float]] = {
    "acne": {
        "cheek_left": 3.0,
        "cheek_right": 3.0,
        "chin": 3.0,
        "face": 3.0,
        "forehead": 3.0,
        "nose": 3.0,
        "under_eye_left": 3.0,
        "under_eye_right": 3.0,
    },
    "dark_circles": {
        "face": 30.8,
        "under_eye_left": 39.4,
        "under_eye_right": 50.5,
    },
    "pigmentation": {
        "cheek_left": 91.0,
        "cheek_right": 13.1,
        "chin": 100.0,
        "face": 35.2,
        "forehead": 100.0,
        "nose": 100.0,
        "under_eye_left": 13.1,
        "under_eye_right": 13.1,
    },
    "pores": {
        "cheek_left": 7.8,
        "cheek_right": 15.5,
        "face": 9.2,
        "nose": 13.7,
    },
    "redness": {
        "cheek_left": 23.4,
        "cheek_right": 22.6,
        "chin": 12.4,
        "face": 9.2,
        "forehead": 5.5,
        "nose": 22.1,
        "under_eye_left": 10.2,
        "under_eye_right": 6.9,
    },
    "shine": {
        "cheek_left": 59.0,
        "cheek_right": 19.4,
        "chin": 14.7,
        "face": 20.0,
        "forehead": 24.4,
        "nose": 28.8,
    },
    "tone": {
        "cheek_left": 11.1,
        "cheek_right": 10.0,
        "chin": 19.7,
        "face": 10.2,
        "forehead": 90.1,
        "nasolabial_left": 42.9,
        "nasolabial_right": 35.9,
        "nose": 17.4,
        "periorbital_left": 45.6,
        "periorbital_right": 35.9,
        "under_eye_left": 23.2,
        "under_eye_right": 25.1,
    },
    "wrinkles": {
        "face": 34.8,
        "forehead": 34.5,
        "nasolabial_left": 93.8,
        "nasolabial_right": 98.1,
        "periorbital_left": 99.0,
        "periorbital_right": 99.0,
        "under_eye_left": 100.0,
        "under_eye_right": 100.0,
    },
}
