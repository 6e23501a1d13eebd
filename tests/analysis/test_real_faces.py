"""Every London Set face yields a face and a sane tone (a sanity check, not a label test)."""

from __future__ import annotations

import numpy as np


def test_every_real_face_is_found_with_a_sane_tone(london_paths, london_results):
    itas: dict[str, list[float]] = {}
    confidences = []
    assert [path for path, _, _ in london_results[:len(london_paths)]] == london_paths
    for path, group, result in london_results[:len(london_paths)]:
        assert result.ok, (path.name, result.quality)
        assert not [i for i in result.quality if i.blocking]
        tone = result.tone
        assert tone is not None and -90 < tone.ita_deg < 90 and 1 <= tone.monk <= 10
        assert tone.confidence > 0.3 and tone.pixels > 3000
        confidences.append(tone.confidence)
        assert max(abs(np.log(tone.white_balance_gains))) < 0.1  # same studio light
        itas.setdefault(group, []).append(tone.ita_deg)
    assert np.median(confidences) > 0.7
    medians = {group: float(np.median(values)) for group, values in itas.items()}
    assert medians["white"] - medians["black"] > 40
    assert np.ptp(itas["white"]) > 20  # tone varies with the person
