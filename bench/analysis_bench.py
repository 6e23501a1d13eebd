"""Analysis engine benchmark: latency (photos at 0.5 / 2 / 12 MP, decode included; a 30 s 1080p
video) and tone accuracy on the recolour benchmark, side by side with skin-tone-classifier (stone).

    .venv/bin/pip install --no-deps skin-tone-classifier colormath requests   # stone, bench only
    .venv/bin/python bench/analysis_bench.py [--quick]

Prints medians as markdown. stone is GPL: it is imported here only, never from src/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.synthetic import ILLUMINANTS, astronaut, recoloured_face  # noqa: E402

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.adapters.vision.video import VideoFrames  # noqa: E402
from metskin.domain.analysis.colour import MONK_HEX, hex_to_rgb, ita_deg  # noqa: E402
from metskin.domain.analysis.service import analyse_frames, analyse_image  # noqa: E402

LONDON = ROOT.parent / "shared/data/london-faces/001_03.jpg"
SIZES = {"0.5 MP": (816, 612), "2 MP": (1632, 1224), "12 MP": (4000, 3000)}


def paired_ms(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Times (ms) of several runs interleaved repeat by repeat, so that they share the machine's
    load (other jobs come and go on a shared 2-core box)."""
    for run in runs.values():
        run()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(1000 * (time.perf_counter() - start))
    return times


def portrait(size: tuple[int, int]) -> np.ndarray:
    """A real face (the London Set when present) filling about 60 % of the frame height."""
    face = load_image(LONDON) if LONDON.exists() else astronaut()
    width, height = size
    side = int(height * 0.9)
    scaled = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC)
    pad = (width - side) // 2
    canvas = cv2.copyMakeBorder(scaled, (height - side) // 2, height - side - (height - side) // 2,
                                pad, width - side - pad, cv2.BORDER_REPLICATE)
    noise = np.random.default_rng(0).normal(0, 2.0, canvas.shape)
    return np.clip(canvas + noise, 0, 255).astype(np.uint8)


def write_jpeg(path: Path, rgb: np.ndarray) -> Path:
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def stone_runner() -> Callable[[Path], dict] | None:
    try:
        import stone  # type: ignore[import-not-found]
    except ImportError:
        return None
    palette = ["#" + code.upper() for code in MONK_HEX]
    labels = [str(i) for i in range(1, 11)]

    def run(path: Path) -> dict:
        report = stone.process(str(path), image_type="color", tone_palette=palette,
                               tone_labels=labels)
        return report["faces"][0] if report.get("faces") else {}

    return run


def latency(landmarker: MediaPipeLandmarker, stone, folder: Path, repeats: int) -> list[str]:
    """Median ms per photo, interleaved with stone and with the floor no analysis can go below
    (decoding the file and finding the landmarks alone). Speed-ups are medians of the per-repeat
    ratios; min ms shows the time with the least interference from other jobs."""
    rows = ["| input | MetSkin median (min) ms | decode + landmarks only, median ms | "
            "stone median (min) ms | speed-up (median of pairs) | stone / floor |",
            "|---|---|---|---|---|---|"]
    for name, size in SIZES.items():
        path = write_jpeg(folder / f"{name.replace(' ', '')}.jpg", portrait(size))
        runs: dict[str, Callable[[], object]] = {
            "ours": lambda p=path: analyse_image(load_image(p), landmarker),
            "floor": lambda p=path: landmarker.detect(load_image(p)),
        }
        if stone:
            runs["stone"] = lambda p=path: stone(p)
        times = paired_ms(runs, repeats)
        ours, floor = times["ours"], times["floor"]
        if "stone" in times:
            theirs = times["stone"]
            speed = statistics.median(t / o for t, o in zip(theirs, ours, strict=True))
            best = statistics.median(t / f for t, f in zip(theirs, floor, strict=True))
            stone_cell = f"{statistics.median(theirs):.0f} ({min(theirs):.0f})"
            speed_cell, best_cell = f"{speed:.1f}x", f"{best:.1f}x"
        else:
            stone_cell, speed_cell, best_cell = "n/a", "-", "-"
        rows.append(f"| {name} JPEG {size[0]}x{size[1]} | {statistics.median(ours):.0f} "
                    f"({min(ours):.0f}) | {statistics.median(floor):.0f} | {stone_cell} | "
                    f"{speed_cell} | {best_cell} |")
    return rows


def video_latency(landmarker: MediaPipeLandmarker, folder: Path, seconds: int) -> str:
    path = folder / "clip.mp4"
    frame = portrait((1920, 1080))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (1920, 1080))
    rng = np.random.default_rng(1)
    for _ in range(30 * seconds):
        shift = np.float32([[1, 0, rng.integers(-6, 6)], [0, 1, rng.integers(-4, 4)]])
        moved = cv2.warpAffine(frame, shift, (1920, 1080), borderMode=cv2.BORDER_REFLECT)
        writer.write(cv2.cvtColor(moved, cv2.COLOR_RGB2BGR))
    writer.release()

    def run() -> None:
        frames = VideoFrames(path)
        analyse_frames(frames, landmarker, expected_frames=frames.expected_frames)

    times = paired_ms({"video": run}, 5)["video"]
    return (f"| {seconds} s 1080p30 MP4 (mp4v) | {statistics.median(times):.0f} "
            f"({min(times):.0f}) | - | n/a (stone has no video) | - | - |")


def monk_of_label(face: dict) -> int | None:
    label = face.get("tone_label")
    return int(label) if label else None


def lab_of_hex(code: str) -> np.ndarray:
    rgb = np.array([[hex_to_rgb(code.lstrip("#").lower())]], dtype=np.uint8)
    return np.asarray(rgb2lab(rgb)[0, 0])


Row = tuple[int, str, int, float, int, float]  # truth Monk, illuminant, seed, ITA error, Monk, dE00


def accuracy(landmarker: MediaPipeLandmarker, stone, folder: Path, seeds: list[int]) -> list[str]:
    rows: dict[str, list[Row]] = {"MetSkin": [], "stone": []}
    for seed in seeds:
        for monk in range(1, 11):
            for illuminant in ILLUMINANTS:
                rgb, truth = recoloured_face(landmarker, monk, illuminant, seed * 1000 + monk)
                path = write_jpeg(folder / "tone.jpg", rgb)
                tone = analyse_image(load_image(path), landmarker).tone
                if tone is not None:
                    error = deltaE_ciede2000(np.array(tone.lab), np.array(truth.lab))
                    rows["MetSkin"].append((monk, illuminant, seed, tone.ita_deg - truth.ita,
                                            tone.monk, float(error)))
                face = stone(path) if stone else {}
                if face.get("dominant_colors"):
                    lab = lab_of_hex(face["dominant_colors"][0]["color"])
                    error = deltaE_ciede2000(lab, np.array(truth.lab))
                    ita_error = ita_deg(lab[0], lab[2]) - truth.ita
                    rows["stone"].append((monk, illuminant, seed, ita_error,
                                          monk_of_label(face) or 0, float(error)))
    images = len(seeds) * 10 * len(ILLUMINANTS)
    table = ["| tool | faces found | median abs ITA error (deg) | Monk exact | Monk +-1 | "
             "worst/best tone: median ITA error | median dE00 | p90 dE00 | "
             "mean ITA error, floored at noise |",
             "|---|---|---|---|---|---|---|---|---|"]
    for tool, found in rows.items():
        if not found:
            table.append(f"| {tool} | 0/{images} | - | - | - | - | - | - | - |")
            continue
        noise = ita_noise(found)
        mean_error = per_tone(found, lambda v: float(np.mean([abs(r[3]) for r in v])))
        table.append(
            f"| {tool} | {len(found)}/{images} | {statistics.median(abs(r[3]) for r in found):.2f}"
            f" | {np.mean([r[0] == r[4] for r in found]):.0%}"
            f" | {np.mean([abs(r[0] - r[4]) <= 1 for r in found]):.0%}"
            f" | {ratio(per_tone(found, lambda v: statistics.median(abs(r[3]) for r in v)))}"
            f" | {ratio(per_tone(found, lambda v: statistics.median(r[5] for r in v)))}"
            f" | {ratio(per_tone(found, lambda v: float(np.percentile([r[5] for r in v], 90))))}"
            f" | {ratio([max(noise, value) for value in mean_error])}"
            f" (noise {noise:.2f}) |")
    return table


def per_tone(found: list[Row], statistic: Callable[[list[Row]], float]) -> list[float]:
    return [statistic([r for r in found if r[0] == monk])
            for monk in range(1, 11) if any(r[0] == monk for r in found)]


def ratio(values: list[float]) -> str:
    return f"{max(values):.2f} / {min(values):.2f} = {max(values) / min(values):.1f}"


def ita_noise(found: list[Row]) -> float:
    """Measurement noise of the ITA error: the robust spread of the difference between two
    seeds' errors on the same tone and illuminant, divided by sqrt(2). The seeds differ only in
    the colour jitter (part of the truth), the sensor noise and the JPEG round trip, so this is
    the error that repeating the photo would change; per-tone errors below it are not told
    apart. 0 with a single seed."""
    errors: dict[tuple[int, str], list[float]] = {}
    for monk, illuminant, _, error, _, _ in found:
        errors.setdefault((monk, illuminant), []).append(error)
    pairs = [values[0] - values[1] for values in errors.values() if len(values) >= 2]
    if not pairs:
        return 0.0
    deviation = np.abs(np.array(pairs) - np.median(pairs))
    return float(1.4826 * np.median(deviation) / np.sqrt(2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats and images")
    args = parser.parse_args()
    landmarker = MediaPipeLandmarker()
    stone = stone_runner()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("\n".join(latency(landmarker, stone, folder, 5 if args.quick else 15)))
        print(video_latency(landmarker, folder, 10 if args.quick else 30))
        print()
        print("\n".join(accuracy(landmarker, stone, folder, [1] if args.quick else [1, 2])))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
