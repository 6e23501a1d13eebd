"""Why a black or navy hood's fabric was read as skin (issue 12, points 3 and 4): the skin's
L* statistics that the hair mask's threshold comes from, as taken and under a hood.

    PYTHONPATH=src:. .venv/bin/python bench/hood_dark_fabric.py [--step N] [--hats black,navy]

For every N-th London face, neutral and smiling (landmarks from bench/validity_bench.py's
cache), the photo as taken (JPEG q90) and its hooded copies (`tests/analysis/headwear.hood`)
go through the engine's own steps (`bench/hood_tone.read`). Per photo it prints the median and
robust sigma of L* over the whole skin mask (what `face_image.unusable_masks` reads) and over the
inner regions (cheeks, nose, chin: under the hood's fabric on no face here), their sigma ratio,
the hair threshold `median - max(HAIR_MIN_DL, 3 sigma)`, and for the hooded copies how many
painted pixels are in the skin, read by the tone, and taken as hair or shadow. Then the
ratio's spread per condition. Markdown.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
from bench.hood_tone import painted_in_crop, read, skin_read
from bench.validity_bench import Cached
from tests.analysis.headwear import hood
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import jpeg_round_trip

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.face_image import HAIR_MIN_DL, robust_stats

INNER = ("cheek_right", "cheek_left", "nose", "chin")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=5)
    parser.add_argument("--hats", default="black,navy")
    args = parser.parse_args()
    cache = Cached()
    ratios: dict[str, list[float]] = defaultdict(list)
    print(
        "| photo | condition | skin L* median / sigma | inner median / sigma | ratio "
        "| hair threshold | painted: in skin / read / hair / shadow |"
    )
    print("|---|---|---|---|---|---|---|")
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg"))[:: args.step]:
            rgb = load_image(path)
            faces = cache.detect(f"{folder.name}/{path.name}/640", rgb)
            if not faces:
                continue
            painted = painted_in_crop(rgb, faces[0])
            variants = [("taken", jpeg_round_trip(rgb, 90))]
            variants += [
                (hat, hood(hat)(rgb, faces[0], int(path.name[:3]))) for hat in args.hats.split(",")
            ]
            for name, image in variants:
                face = read(image, faces)[3]
                masks, lightness = face.masks, face.lightness
                median, sigma = robust_stats(lightness[masks["skin"]])
                inner = np.zeros_like(masks["skin"])
                for region in INNER:
                    inner |= masks[region]
                inner_median, inner_sigma = robust_stats(lightness[inner & masks["skin"]])
                ratio = sigma / inner_sigma
                ratios[name].append(ratio)
                counts = "-"
                if name != "taken":
                    counts = " / ".join(
                        str(int(np.count_nonzero(painted & mask)))
                        for mask in (masks["skin"], skin_read(face), masks["hair"], masks["shadow"])
                    )
                threshold = median - max(HAIR_MIN_DL, 3.0 * sigma)
                print(
                    f"| {folder.name[-7:]}/{path.name[:3]} | {name} | {median:.1f} / {sigma:.1f} | "
                    f"{inner_median:.1f} / {inner_sigma:.1f} | {ratio:.2f} | {threshold:.1f} "
                    f"| {counts} |"
                )
    print()
    print("| condition | photos | sigma ratio: min / median / max |")
    print("|---|---|---|")
    for name, values in ratios.items():
        print(
            f"| {name} | {len(values)} | {min(values):.2f} / {np.median(values):.2f} "
            f"/ {max(values):.2f} |"
        )


if __name__ == "__main__":
    main()
