"""Shine per Monk band on the neutral London faces: the nose and forehead shine scores, and in
the nose's shine blobs (`skin_type.shine_mask`) the light they add over their surround and its
specular part by the dichromatic model (a pixel is k x its surround's skin colour plus s x white
light; from the red and blue channels of the white-balanced linear RGB, s = (b r' - r b') /
(r' - b'), primes the surround's). A film of oil adds the same white light on any skin, so a
gap between tones in s is not the skin's albedo.

    PYTHONPATH=src:. .venv/bin/python bench/shine_tone.py   # 20 s, landmarks cached

Landmarks come from bench/validity_bench.py's cache. Prints markdown.
"""

from __future__ import annotations

import numpy as np
from bench.tone_repeat import face_of
from bench.validity_bench import Cached
from tests.analysis.london import LONDON

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import monk
from metskin.domain.analysis.colour import srgb_to_linear
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import blur, masked_blur
from metskin.domain.analysis.scoring import region_mask
from metskin.domain.analysis.skin_type import shine, shine_mask
from metskin.domain.analysis.tone import measure_tone

BANDS = ((1, 3), (4, 4), (5, 5), (6, 10))
SURROUND = 0.1  # x the eye distance, as skin_type.shine_mask


def specular_and_lift(face: FaceImage) -> tuple[np.ndarray, np.ndarray]:
    linear = srgb_to_linear(face.rgb) * face.gains.astype(np.float32)
    skin, sigma = face.masks["skin"], SURROUND * face.eye_distance
    norm = face.mask_blur("skin", sigma)
    around = [
        masked_blur(np.ascontiguousarray(linear[..., k]), skin, sigma, norm) for k in range(3)
    ]
    here = [blur(np.ascontiguousarray(linear[..., k]), 1.0) for k in range(3)]
    red, blue = here[0], here[2]
    specular = (blue * around[0] - red * around[2]) / np.maximum(around[0] - around[2], 1e-3)
    weights = (0.2126, 0.7152, 0.0722)
    lift = sum(w * (a - b) for w, a, b in zip(weights, here, around, strict=True))
    return specular, lift


def main() -> None:
    cache, rows = Cached(), []
    for path in sorted(LONDON.glob("*.jpg")):
        rgb = load_image(path)
        face, _, _ = face_of(rgb, cache.detect(f"london-faces/{path.name}/original", rgb))
        tone = measure_tone(face, 1.0)
        if tone is None:
            continue
        nose = region_mask(face, "nose")
        blob = shine_mask(face) & nose
        specular, lift = specular_and_lift(face)
        scores = shine(face).regions
        rows.append(
            (
                monk.monk_tone(tone.ita_deg),
                scores.get("nose", np.nan),
                scores.get("forehead", np.nan),
                float(np.median(specular[blob])) if blob.any() else np.nan,
                float(np.median(lift[blob])) if blob.any() else np.nan,
                float(np.mean(specular[nose] > 0.05)),
            )
        )
    cache.save()
    table = np.array(rows)
    print(
        "| Monk | faces | nose shine: median, 60 or more | forehead: median, 60 or more | "
        "nose blobs: specular s (median) | light added | nose share with s > 0.05 |"
    )
    print("|---|---|---|---|---|---|---|")
    for low, high in BANDS:
        part = table[(table[:, 0] >= low) & (table[:, 0] <= high)]
        print(
            f"| M{low}-{high} | {len(part)} | {np.nanmedian(part[:, 1]):.0f}, "
            f"{np.mean(part[:, 1] >= 60):.0%} | {np.nanmedian(part[:, 2]):.0f}, "
            f"{np.mean(part[:, 2] >= 60):.0%} | {np.nanmedian(part[:, 3]):.3f} | "
            f"{np.nanmedian(part[:, 4]):.3f} | {np.median(part[:, 5]):.3f} |"
        )


if __name__ == "__main__":
    main()
