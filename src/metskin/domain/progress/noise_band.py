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
        "face": 30.7,
        "under_eye_left": 39.3,
        "under_eye_right": 50.4,
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
        "cheek_left": 11.4,
        "cheek_right": 18.9,
        "face": 9.2,
        "nose": 13.7,
    },
    "redness": {
        "cheek_left": 20.7,
        "cheek_right": 20.7,
        "chin": 10.7,
        "face": 7.8,
        "forehead": 5.5,
        "nose": 20.7,
        "under_eye_left": 8.0,
        "under_eye_right": 7.0,
    },
    "shine": {
        "cheek_left": 59.0,
        "cheek_right": 19.4,
        "chin": 15.6,
        "face": 20.0,
        "forehead": 32.5,
        "nose": 28.3,
    },
    "tone": {
        "cheek_left": 11.3,
        "cheek_right": 9.9,
        "chin": 19.7,
        "face": 21.6,
        "forehead": 90.5,
        "nasolabial_left": 44.1,
        "nasolabial_right": 37.0,
        "nose": 18.0,
        "periorbital_left": 47.0,
        "periorbital_right": 37.3,
        "under_eye_left": 23.5,
        "under_eye_right": 25.3,
    },
    "wrinkles": {
        "face": 29.9,
        "forehead": 40.1,
        "nasolabial_left": 90.0,
        "nasolabial_right": 97.3,
        "periorbital_left": 96.6,
        "periorbital_right": 99.1,
        "under_eye_left": 99.8,
        "under_eye_right": 99.8,
    },
}
