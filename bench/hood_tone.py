"""What moves the tone under a hood (issue 12, points 3 and 4): a decomposition of the ITA
change between a face as taken and its hooded copy (`tests/analysis/headwear.hood`).

    PYTHONPATH=src:. .venv/bin/python bench/hood_tone.py [--step N] [--hats black,red]

For every N-th neutral London face (landmarks of the photo as taken, bench/validity_bench.py's
cache): the photo as taken (JPEG q90) and its hooded copies, each through the engine's own
steps (`check_frame`, `white_balance`, `build_face_image`, `measure_tone`), and mixed readings
that change one thing at a time. Prints per colour the median over the faces of (signed, hood
minus as taken unless said):
- dITA, dL*, db*: the tone's change;
- gains moved: the largest |log| ratio of the white balance's gains; wb share: the ITA the
  hood's reading loses when read with the gains of the photo as taken;
- same pixels: the photo as taken read on the hood's masks (skin, usable, specular, regions):
  the change from which pixels are read alone; pixel colour: the hood's pixels against those;
- fabric only out: the photo as taken with the painted pixels alone left out (a perfect
  fabric mask; the face's edge gone); painted out: the hood's reading without them (what the
  fabric read as skin does);
- read / as taken: skin pixels read (before thinning); painted read: painted pixels read as
  skin; rim read: the share of the skin within RIM eye distance of the fabric still read;
- skin lost: the share of the skin read as taken, not painted, that the hood's reading leaves
  out; as hair: the share of that taken by the hair masks (`hair`, fringe, beard); lost L* -
  kept L*: its median L* against the read skin's;
- the side-light and brim-shade stops (`tone.side_light`, `top_shade.forehead_shade`) as
  taken / hooded (the leans start at 0.4 and 0.6), and whether a covering was found.
Markdown.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import replace

import cv2
import numpy as np
from bench.validity_bench import Cached
from tests.analysis.degrade import LOWER_LIP, head_outline
from tests.analysis.headwear import hood
from tests.analysis.london import LONDON
from tests.analysis.synthetic import jpeg_round_trip

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import check_frame
from metskin.domain.analysis.face_image import build_face_image
from metskin.domain.analysis.geometry import upright_crop
from metskin.domain.analysis.tone import measure_tone
from metskin.domain.analysis.white_reference import white_balance

RIM = 0.15  # eye distances


def read(rgb: np.ndarray, faces: list[np.ndarray]):
    checked = check_frame(rgb, faces)
    assert not isinstance(checked, list)
    pts = checked.points_in_crop()
    gains, _ = white_balance(
        checked.background, checked.crop, pts, checked.geometry.scale, checked.eyes
    )
    if checked.mixed is not None:
        gains = checked.mixed.gains
    return checked, pts, gains, build_face_image(checked.crop, pts, checked.geometry.masks, gains)


def skin_read(face) -> np.ndarray:
    """The skin pixels the tone reads (before `tone_sample` thins them)."""
    return face.masks["skin"] & (face.masks["usable"] | face.masks["specular"])


def without(face, out: np.ndarray):
    """`face` with `out` left out of its skin and every region."""
    masks = {name: mask & ~out if mask.dtype == bool else mask for name, mask in face.masks.items()}
    return replace(face, masks=masks, _regions={}, _areas={}, _derived={})


def painted_in_crop(rgb: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The hood's painted pixels (as `headwear.hood` paints them), in the crop's pixels."""
    around, inner = head_outline(rgb.shape, points, 0.25)
    covered = around & ~inner
    covered[max(0, int(points[LOWER_LIP, 1])) :] = False
    marker = np.repeat((covered * 255).astype(np.uint8)[..., None], 3, axis=2)
    return upright_crop(marker, points)[0][..., 0] > 127


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=10)
    parser.add_argument("--hats", default="black,navy,grey marl,red,camel")
    args = parser.parse_args()
    cache = Cached()
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    for path in sorted(LONDON.glob("*.jpg"))[:: args.step]:
        rgb = load_image(path)
        faces = cache.detect(f"{LONDON.name}/{path.name}/640", rgb)
        if not faces:
            continue
        _, _, gains0, taken = read(jpeg_round_trip(rgb, 90), faces)
        tone0 = measure_tone(taken, 0.0)
        painted = painted_in_crop(rgb, faces[0])
        for hat in args.hats.split(","):
            image = hood(hat)(rgb, faces[0], int(path.name[:3]))
            checked, pts, gains1, hooded = read(image, faces)
            tone1 = measure_tone(hooded, 0.0)
            if tone0 is None or tone1 is None:
                continue
            wb_face = build_face_image(checked.crop, pts, checked.geometry.masks, gains0)
            wb = measure_tone(wb_face, 0.0)
            same = replace(taken, masks=hooded.masks, _regions={}, _areas={}, _derived={})
            same_tone = measure_tone(same, 0.0)
            rim_size = max(3, round(2 * RIM * hooded.eye_distance) | 1)
            rim = cv2.dilate(painted.view(np.uint8), np.ones((rim_size, rim_size), np.uint8))
            rim = rim.view(bool) & ~painted
            ideal = measure_tone(without(taken, painted), 0.0)
            clean = measure_tone(without(hooded, painted), 0.0)
            assert wb is not None and same_tone is not None and ideal is not None
            assert clean is not None
            read0, read1 = skin_read(taken), skin_read(hooded)
            lost = read0 & ~read1 & ~painted  # skin as taken the hood's reading leaves out
            lum = taken.lightness
            rows[hat].append(
                {
                    "dITA": tone1.ita_deg - tone0.ita_deg,
                    "dL*": tone1.lab[0] - tone0.lab[0],
                    "db*": tone1.lab[2] - tone0.lab[2],
                    "gains moved": float(np.abs(np.log(gains1 / gains0)).max()),
                    "wb share": tone1.ita_deg - wb.ita_deg,
                    "same pixels": same_tone.ita_deg - tone0.ita_deg,
                    "fabric only out": ideal.ita_deg - tone0.ita_deg,
                    "pixel colour": wb.ita_deg - same_tone.ita_deg,
                    "painted out": clean.ita_deg - tone0.ita_deg,
                    "read / as taken": np.count_nonzero(read1) / np.count_nonzero(read0),
                    "painted read": int(np.count_nonzero(read1 & painted)),
                    "rim read": np.count_nonzero(read1 & rim) / np.count_nonzero(read0 & rim),
                    "skin lost": np.count_nonzero(lost) / np.count_nonzero(read0),
                    "as hair": float(np.mean(hooded.masks["hair"][lost])) if lost.any() else 0.0,
                    "lost L* - kept L*": float(np.median(lum[lost]) - np.median(lum[read1]))
                    if lost.any()
                    else 0.0,
                    "side stops 0 / 1": (
                        tone0.side_light_stops or 0.0,
                        tone1.side_light_stops or 0.0,
                    ),
                    "shade stops 0 / 1": (
                        tone0.forehead_shade_stops or 0.0,
                        tone1.forehead_shade_stops or 0.0,
                    ),
                    "covering": float("covering" in hooded.masks),
                }
            )
    cache.save()
    keys = list(next(iter(rows.values()))[0])
    print("| hood | copies | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for hat, found in rows.items():
        cells = [cell([r[k] for r in found]) for k in keys]
        print(f"| {hat} | {len(found)} | " + " | ".join(cells) + " |")


def cell(values: list) -> str:
    if isinstance(values[0], tuple):
        return " / ".join(f"{np.median(part):.2f}" for part in zip(*values, strict=True))
    return f"{np.median(values):+.2f}"


if __name__ == "__main__":
    main()
