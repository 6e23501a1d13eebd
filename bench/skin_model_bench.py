"""Inference time of the learned skin model per face: cutting the region patches from the
photo and scoring them (what the analysis worker adds to a photo), medians over many runs.

    nice .venv/bin/python bench/skin_model_bench.py MODELS_DIR skin-cnn-v1.pt [--threads 2]

Reads one London face (CC BY 4.0) at the analysis' decode size; the face mesh runs once,
outside the timing. Budget: at most 15 ms per face on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.london import LONDON  # noqa: E402

from metskin.adapters.ml.skin_cnn import load  # noqa: E402
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.skinmodel.patches import face_patches  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("models_dir", type=Path)
    parser.add_argument("weights")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = load(args.models_dir, args.weights)
    landmarker = MediaPipeLandmarker()
    timings: dict[str, list[float]] = {"patches": [], "inference": [], "total": []}
    for path in sorted(LONDON.glob("*.jpg"))[:5]:
        rgb = load_image(path)
        points = landmarker.detect(rgb)[0]
        model.face_grades(face_patches(rgb, points))  # warm up
        for _ in range(args.runs // 5):
            started = time.perf_counter()
            patches = face_patches(rgb, points)
            cut = time.perf_counter()
            model.face_grades(patches)
            done = time.perf_counter()
            timings["patches"].append(cut - started)
            timings["inference"].append(done - cut)
            timings["total"].append(done - started)
    for name, values in timings.items():
        median = statistics.median(values) * 1000
        p95 = sorted(values)[int(0.95 * len(values))] * 1000
        print(f"{name}: median {median:.2f} ms, p95 {p95:.2f} ms ({len(values)} runs)")
    print(f"threads {args.threads}, image {rgb.shape[1]}x{rgb.shape[0]}, {len(patches)} patches")


if __name__ == "__main__":
    main()
