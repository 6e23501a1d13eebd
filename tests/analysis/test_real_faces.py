"""Every London Set face yields a face and a sane tone (a sanity check, not a label test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image


def test_every_real_face_is_found_with_a_sane_tone(london_results):
    itas: dict[str, list[float]] = {}
    confidences = []
    for face_id, face in london_results.items():
        result = face.result
        assert result.ok, (face_id, result.quality)
        assert not [i for i in result.quality if i.blocking]
        tone = result.tone
        assert tone is not None and -90 < tone.ita_deg < 90 and 1 <= tone.monk <= 10
        assert tone.confidence > 0.3 and tone.pixels > 3000
        confidences.append(tone.confidence)
        assert max(abs(np.log(tone.white_balance_gains))) < 0.1  # same studio light
        itas.setdefault(face.group, []).append(tone.ita_deg)
    assert np.median(confidences) > 0.7
    medians = {group: float(np.median(values)) for group, values in itas.items()}
    assert medians["white"] - medians["black"] > 40
    assert np.ptp(itas["white"]) > 20  # tone varies with the person


def test_an_older_face_in_an_old_portrait(landmarker):
    """matplotlib's sample portrait of Grace Hopper (a US Navy photo, public domain), the one
    real older face at hand: a scanned print with a warm cast, deep folds and glasses. Her
    nasolabial folds read as lines; the folds of her skin and her glasses' bridge, which the
    spots card cannot measure as spots, no longer read as "moderate" dark spots (40.9); her
    ears are not acne."""
    cbook = pytest.importorskip("matplotlib.cbook")  # mediapipe requires matplotlib
    try:
        path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    except (OSError, ValueError):
        pytest.skip("matplotlib's sample data is not installed")
    result = analyse_image(load_image(Path(path)), landmarker)
    assert result.ok and result.tone is not None
    assert result.tone.ita_deg > 28  # light skin (Fitzpatrick I-III) once the cast is undone
    lines = result.concern("wrinkles").regions
    assert min(lines["nasolabial_right"], lines["nasolabial_left"]) > 50
    spots = result.concern("pigmentation")
    assert spots.band == "none", spots
    assert spots.explanation.startswith("No spots")
    # the red skin of her ears, where the face's outline meets them, is not acne on the cheeks
    # (it read "mild", 18, when the cheeks' zones reached the outline: scoring.ZONE_EDGE)
    assert result.concern("acne").band == "none"
