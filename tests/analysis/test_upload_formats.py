"""Files a phone or an editor makes, uploaded and analysed as a person's photo goes (the upload's
real decoders, then the engine adapter): the right refusal code, and a cut-out face measured
as the photo it came from. The swept table: docs/reliability.md, "Every image file a phone,
browser or messenger makes" (2026-12-06, seventh session)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.domain.analysis.media import JPEG, PNG
from tests.analysis.test_compressed_uploads import analysed
from tests.media_samples import encode, portrait_jpeg


def test_a_16_bit_black_and_white_png_is_refused_as_black_and_white(
    landmarker: MediaPipeLandmarker,
) -> None:
    """Before: stored white (Pillow clips 16-bit samples), refused as NO_FACE ("no face")."""
    grey = np.asarray(Image.open(io.BytesIO(portrait_jpeg(384))).convert("L"), np.uint16)
    told = analysed(landmarker, encode(Image.fromarray(grey * 257), "PNG"), PNG)
    blocking = {code for code, item in told.items() if item["blocking"]}
    assert blocking == {"NO_COLOUR"}, told  # (the astronaut smiles: SMILING, a warning)
    eight_bit = analysed(landmarker, encode(Image.fromarray(grey.astype(np.uint8)), "JPEG"), JPEG)
    assert set(eight_bit) == set(told)  # as the same photo in 8 bits always was
