"""Backlight: a window behind the person, the camera exposed for it, the face in shadow. The
picture has a bright part, so UNDEREXPOSED cannot see it; BACKLIT reads dim whites of the eyes
under a background far brighter than them. Before, London faces a stop under with the
background a stop over were measured (2 of 26 refused, as TOO_DARK), ITA a median 51 deg too
dark and Monk two or more steps off on 15."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis.engine import analyse_image
from tests.analysis.synthetic import backlit


def test_no_photo_as_taken_is_refused_as_backlit(every_london_result) -> None:
    refused = [
        p.name for p, _, r in every_london_result if "BACKLIT" in {i.code for i in r.quality}
    ]
    assert not refused


def test_a_face_a_stop_under_before_a_bright_window_is_refused(london_results) -> None:
    faces = list(london_results.values())[::4]
    codes = []
    for face in faces:
        result = analyse_image(backlit(face.rgb, 0.5, 2.0), face.landmarker)
        blocking = [item.code for item in result.quality if item.blocking]
        codes.append(blocking)
        if not result.ok:
            assert blocking and all(i.guidance for i in result.quality if i.blocking)
    refused = np.mean([bool(found) for found in codes])
    assert refused >= 0.8, codes
    assert np.mean([found == ["BACKLIT"] for found in codes]) >= 0.7, codes
