"""The stored overlay against another tree's: the same pixels, and the CPU of drawing it.

    PYTHONPATH=src:. .venv/bin/python bench/pipeline_overlay.py \
        --before <tree>/src/metskin/domain/analysis/overlay.py [--count 20] [--side 3000]

London faces (`../shared/data/london-faces`) enlarged to `--side` px square JPEGs (a selfie's
face fills the frame: the face box is 500-700 px in the analysed image), decoded and analysed
as the worker does; then `stored_overlay` of this tree and of `--before` (loaded from its file,
so it runs with this tree's engine), alternated 3 times per photo. Printed: how many overlays
are pixel-identical (and their JPEG q95 bytes), and the median thread CPU ms of each.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from metskin.adapters.vision.engine import OVERLAY_QUALITY
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import decode_image, encode_jpeg
from metskin.domain.analysis import overlay
from metskin.domain.analysis.engine import analyse_checked, check_frame

LONDON = Path(__file__).resolve().parents[1].parent / "shared/data/london-faces"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--side", type=int, default=3000)
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("overlay_before", args.before)
    assert spec is not None and spec.loader is not None
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    landmarker = MediaPipeLandmarker()
    spent: dict[str, list[float]] = {"before": [], "this tree": []}
    same = drawn = 0
    for path in sorted(LONDON.glob("*.jpg"))[: args.count]:
        face = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        big = cv2.resize(face, (args.side, args.side), interpolation=cv2.INTER_CUBIC)
        rgb = decode_image(encode_jpeg(big, 90))
        checked = check_frame(rgb, landmarker.detect(rgb))
        if isinstance(checked, list):
            continue
        result = analyse_checked(checked, None)
        for concern in result.concerns:
            _ = concern.heatmap  # drawn once, outside the timings
        images = {}
        for _ in range(3):
            for label, module in (("before", before), ("this tree", overlay)):
                started = time.thread_time()
                images[label] = module.stored_overlay(rgb, result)
                spent[label].append((time.thread_time() - started) * 1000)
        drawn += 1
        same += bool(
            np.array_equal(images["before"], images["this tree"])
            and encode_jpeg(images["before"], OVERLAY_QUALITY)
            == encode_jpeg(images["this tree"], OVERLAY_QUALITY)
        )
    print(f"{drawn} faces at {args.side} px, analysed at {rgb.shape[1]} px")
    print(f"pixel-identical overlays (and JPEG q{OVERLAY_QUALITY} bytes): {same} of {drawn}")
    for label, values in spent.items():
        print(f"stored_overlay, {label}: median {statistics.median(values):.1f} ms thread CPU")


if __name__ == "__main__":
    main()
