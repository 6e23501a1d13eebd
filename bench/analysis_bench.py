"""Analysis engine benchmark: latency (photos at 0.5 / 2 / 12 MP, decode included; a 30 s 1080p
video) and tone accuracy on the recolour benchmark, side by side with skin-tone-classifier (stone).

    .venv/bin/pip install --no-deps skin-tone-classifier colormath requests   # stone, bench only
    .venv/bin/python bench/analysis_bench.py [--quick] [--no-latency | --latency-only]
    .venv/bin/python bench/analysis_bench.py --real-faces        # London Set under casts
    .venv/bin/python bench/analysis_bench.py --calibrate-sclera  # white_reference constants
    .venv/bin/python bench/analysis_bench.py --london-tone       # Monk per group, smiling,
                                                                 # exposure (bench/london_tone.py)
    .venv/bin/python bench/analysis_bench.py --london-casts      # casts, x1.4 only (faster)

The recolour benchmark runs on the astronaut's own background (the issue's figures) and on
held-out backgrounds (tests/analysis/synthetic.BACKGROUNDS), plus one diagnostic row with the
true light given to the engine, which shows the part of the error that is not colour constancy.

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

from tests.analysis.london import LONDON as LONDON_SET  # noqa: E402
from tests.analysis.london import self_reported_groups  # noqa: E402
from tests.analysis.synthetic import (  # noqa: E402
    BACKGROUNDS,
    ILLUMINANTS,
    astronaut,
    normalised,
    on_background,
    recoloured_face,
    under_light,
)

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.adapters.vision.video import VideoFrames  # noqa: E402
from metskin.domain.analysis import engine  # noqa: E402
from metskin.domain.analysis.colour import MONK_HEX, hex_to_rgb, ita_deg  # noqa: E402
from metskin.domain.analysis.engine import analyse_frames, analyse_image  # noqa: E402

LONDON = LONDON_SET / "001_03.jpg"
GROUPS = ("white", "black", "east_asian", "west_asian")
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
    canvas = cv2.copyMakeBorder(
        scaled,
        (height - side) // 2,
        height - side - (height - side) // 2,
        pad,
        width - side - pad,
        cv2.BORDER_REPLICATE,
    )
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
        report = stone.process(
            str(path), image_type="color", tone_palette=palette, tone_labels=labels
        )
        return report["faces"][0] if report.get("faces") else {}

    return run


def latency(landmarker: MediaPipeLandmarker, stone, folder: Path, repeats: int) -> list[str]:
    """Median ms per photo, interleaved with stone and with the floor no analysis can go below
    (decoding the file and finding the landmarks alone). Speed-ups are medians of the per-repeat
    ratios; min ms shows the time with the least interference from other jobs."""
    rows = [
        "| input | MetSkin median (min) ms | decode + landmarks only, median ms | "
        "stone median (min) ms | speed-up (median of pairs) | stone / floor |",
        "|---|---|---|---|---|---|",
    ]
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
        rows.append(
            f"| {name} JPEG {size[0]}x{size[1]} | {statistics.median(ours):.0f} "
            f"({min(ours):.0f}) | {statistics.median(floor):.0f} | {stone_cell} | "
            f"{speed_cell} | {best_cell} |"
        )
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
    return (
        f"| {seconds} s 1080p30 MP4 (mp4v) | {statistics.median(times):.0f} "
        f"({min(times):.0f}) | - | n/a (stone has no video) | - | - |"
    )


def monk_of_label(face: dict) -> int | None:
    label = face.get("tone_label")
    return int(label) if label else None


def lab_of_hex(code: str) -> np.ndarray:
    rgb = np.array([[hex_to_rgb(code.lstrip("#").lower())]], dtype=np.uint8)
    return np.asarray(rgb2lab(rgb)[0, 0])


Row = tuple[int, str, int, float, int, float]  # truth Monk, illuminant, seed, ITA error, Monk, dE00


def accuracy(
    landmarker: MediaPipeLandmarker,
    stone,
    folder: Path,
    seeds: list[int],
    backgrounds: tuple[str, ...] = BACKGROUNDS,
) -> list[str]:
    """The recolour benchmark per background (stone on the astronaut's own only), and the
    astronaut with the true light handed to the engine."""
    rows: dict[str, list[Row]] = {}
    runs = [(f"MetSkin, {name}", name, False) for name in backgrounds]
    runs.append(("MetSkin, astronaut, true light given (diagnostic)", "astronaut", True))
    for label, background, true_light in runs:
        found: list[Row] = rows.setdefault(label, [])
        theirs: list[Row] = rows.setdefault("stone, astronaut", [])
        for seed in seeds:
            for monk in range(1, 11):
                for illuminant in ILLUMINANTS:
                    rgb, truth = recoloured_face(
                        landmarker, monk, illuminant, seed * 1000 + monk, background=background
                    )
                    path = write_jpeg(folder / "tone.jpg", rgb)
                    with GivenLight(illuminant if true_light else None):
                        tone = analyse_image(load_image(path), landmarker).tone
                    if tone is not None:
                        error = deltaE_ciede2000(np.array(tone.lab), np.array(truth.lab))
                        found.append(
                            (
                                monk,
                                illuminant,
                                seed,
                                tone.ita_deg - truth.ita,
                                tone.monk,
                                float(error),
                            )
                        )
                    if background != "astronaut" or true_light or not stone:
                        continue
                    face = stone(path)
                    if face.get("dominant_colors"):
                        lab = lab_of_hex(face["dominant_colors"][0]["color"])
                        error = deltaE_ciede2000(lab, np.array(truth.lab))
                        ita_error = ita_deg(lab[0], lab[2]) - truth.ita
                        theirs.append(
                            (
                                monk,
                                illuminant,
                                seed,
                                ita_error,
                                monk_of_label(face) or 0,
                                float(error),
                            )
                        )
    images = len(seeds) * 10 * len(ILLUMINANTS)
    table = [
        "| tool, background | faces found | median abs ITA error (deg) | Monk exact | "
        "Monk +-1 | worst/best tone: median ITA error | median dE00 | p90 dE00 | "
        "mean ITA error, floored at noise |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    per_tone_lines = []
    for tool, found in rows.items():
        if not found:
            table.append(f"| {tool} | 0/{images} | - | - | - | - | - | - | - |")
            continue
        noise = ita_noise(found)
        mean_error = per_tone(found, lambda v: float(np.mean([abs(r[3]) for r in v])))
        medians = per_tone(found, lambda v: statistics.median(abs(r[3]) for r in v))
        table.append(
            f"| {tool} | {len(found)}/{images} | {statistics.median(abs(r[3]) for r in found):.2f}"
            f" | {np.mean([r[0] == r[4] for r in found]):.0%}"
            f" | {np.mean([abs(r[0] - r[4]) <= 1 for r in found]):.0%}"
            f" | {ratio(medians)}"
            f" | {ratio(per_tone(found, lambda v: statistics.median(r[5] for r in v)))}"
            f" | {ratio(per_tone(found, lambda v: float(np.percentile([r[5] for r in v], 90))))}"
            f" | {ratio([max(noise, value) for value in mean_error])}"
            f" (noise {noise:.2f}) |"
        )
        per_tone_lines.append(
            f"{tool}: "
            + " ".join(f"M{monk} {value:.2f}" for monk, value in enumerate(medians, start=1))
        )
    return [*table, "", "Median abs ITA error per Monk tone:", *per_tone_lines]


class GivenLight:
    """Hands the engine the true light of a recolour image (the inverse of its cast) instead of
    its own estimate: a diagnostic of the error that is not colour constancy."""

    def __init__(self, illuminant: str | None) -> None:
        self.illuminant = illuminant

    def __enter__(self) -> None:
        self.saved = engine.white_balance
        if self.illuminant is not None:
            gains = (1 / normalised(ILLUMINANTS[self.illuminant])).astype(np.float32)
            engine.white_balance = lambda *args: (gains, 0.0)

    def __exit__(self, *exc: object) -> None:
        engine.white_balance = self.saved


def london_faces() -> list[tuple[Path, str]]:
    groups = self_reported_groups()
    return [
        (path, groups.get(path.name.split("_")[0], "unknown"))
        for path in sorted(LONDON_SET.glob("*.jpg"))
    ]


def real_faces(landmarker: MediaPipeLandmarker, step: int) -> list[str]:
    """London Set faces re-lit by each cast, on their studio wall and on the held-out
    backgrounds: the change of ITA and Monk against the same face as photographed (there is no
    colorimeter truth, so this measures how well the tone ignores the light and the scene)."""
    changes: dict[str, list[tuple[str, float, int]]] = {}
    for path, group in london_faces()[::step]:
        rgb = load_image(path)
        reference = analyse_image(rgb, landmarker).tone
        points = landmarker.detect(rgb)[0]
        assert reference is not None
        for background in ("studio", *BACKGROUNDS[1:]):
            scene = rgb if background == "studio" else on_background(rgb, points, background)
            for illuminant in ILLUMINANTS:
                tone = analyse_image(under_light(scene, illuminant), landmarker).tone
                if tone is not None:
                    changes.setdefault(background, []).append(
                        (group, tone.ita_deg - reference.ita_deg, tone.monk - reference.monk)
                    )
    table = [
        "| background | images | median abs ITA change | p90 | Monk same | Monk +-1 | "
        "median abs ITA change by group (white / black / east asian / west asian) |",
        "|---|---|---|---|---|---|---|",
    ]
    for background, found in changes.items():
        sizes = np.abs([change for _, change, _ in found])
        groups = " / ".join(
            f"{np.median([abs(c) for g, c, _ in found if g == group]):.2f}" for group in GROUPS
        )
        table.append(
            f"| {background} | {len(found)} | {np.median(sizes):.2f} | "
            f"{np.percentile(sizes, 90):.2f} | "
            f"{np.mean([monk == 0 for _, _, monk in found]):.0%} | "
            f"{np.mean([abs(monk) <= 1 for _, _, monk in found]):.0%} | {groups} |"
        )
    return table


def calibrate_sclera(landmarker: MediaPipeLandmarker) -> list[str]:
    """eyes.SCLERA_OFFSET and white_reference.SCLERA_SPREAD from the London Set: the sclera's
    log-chromaticity against the studio wall's gray estimate, over all faces and two folds."""
    from metskin.domain.analysis import eyes, white_reference
    from metskin.domain.analysis.colour import background_illuminant
    from metskin.domain.analysis.geometry import crop_face, crop_points

    found: list[tuple[int, str, np.ndarray]] = []
    for path, group in london_faces():
        rgb = load_image(path)
        points = landmarker.detect(rgb)[0]
        crop, box, scale = crop_face(rgb, points)
        linear = eyes.sclera_pixels(crop, crop_points(points, box, scale))
        wall = background_illuminant(engine.background_pixels(rgb, box))
        if len(linear) < eyes.MIN_PIXELS or wall is None:
            continue
        sclera = np.median(np.log(linear[:, [0, 2]] / linear[:, [1]]), axis=0)
        found.append((int(path.name[:3]), group, sclera - white_reference.log_chroma(wall[0])))

    def robust(subset: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        values = np.array(subset)
        centre = np.median(values, axis=0)
        return centre, 1.4826 * np.median(np.abs(values - centre), axis=0)

    lines = ["| faces | n | offset log R/G, log B/G | spread (robust sigma) |", "|---|---|---|---|"]
    subsets = {
        "all": found,
        "odd ids": [f for f in found if f[0] % 2],
        "even ids": [f for f in found if not f[0] % 2],
        **{group: [f for f in found if f[1] == group] for group in GROUPS},
    }
    for name, subset in subsets.items():
        centre, spread = robust([f[2] for f in subset])
        lines.append(
            f"| {name} | {len(subset)} | {centre[0]:+.3f}, {centre[1]:+.3f} | "
            f"{spread[0]:.3f}, {spread[1]:.3f} |"
        )
    centre, spread = robust([f[2] for f in found])
    beyond = sum(float(np.linalg.norm((f[2] - centre) / spread)) > 3 for f in found)
    lines.append(f"\nbeyond 3 sigma: {beyond} of {len(found)}")
    return lines


def per_tone(found: list[Row], statistic: Callable[[list[Row]], float]) -> list[float]:
    return [
        statistic([r for r in found if r[0] == monk])
        for monk in range(1, 11)
        if any(r[0] == monk for r in found)
    ]


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
    parser.add_argument("--no-latency", action="store_true", help="accuracy only")
    parser.add_argument("--latency-only", action="store_true", help="no accuracy")
    parser.add_argument(
        "--real-faces",
        action="store_true",
        help="London Set under casts and held-out backgrounds, nothing else",
    )
    parser.add_argument(
        "--calibrate-sclera",
        action="store_true",
        help="reprint white_reference's sclera constants, nothing else",
    )
    parser.add_argument(
        "--london-tone",
        action="store_true",
        help="Monk calibration and histogram per group, neutral vs smiling, "
        "exposure and casts per Monk tone, nothing else",
    )
    parser.add_argument(
        "--london-casts",
        action="store_true",
        help="tone under casts and exposure only (London and recolour, per Monk tone), and "
        "the x1.4 evidence; landmarks of the photos as taken reused",
    )
    parser.add_argument(
        "--recolour-casts",
        action="store_true",
        help="the recolour benchmark under each cast on each of the four scenes, nothing else",
    )
    args = parser.parse_args()
    landmarker = MediaPipeLandmarker()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if args.recolour_casts:
        from bench.london_casts import recolour_casts

        for background in BACKGROUNDS:
            print(f"\n{background}:\n")
            print("\n".join(recolour_casts(landmarker, [1] if args.quick else [1, 2], background)))
    elif args.london_casts:
        from bench.london_casts import london_casts

        print("\n".join(london_casts(landmarker, args.quick)))
    elif args.london_tone:
        from bench.london_tone import london_tone

        print("\n".join(london_tone(landmarker, args.quick)))
    elif args.calibrate_sclera:
        print("\n".join(calibrate_sclera(landmarker)))
    elif args.real_faces:
        print("\n".join(real_faces(landmarker, 4 if args.quick else 1)))
    else:
        stone = stone_runner()
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            if not args.no_latency:
                print("\n".join(latency(landmarker, stone, folder, 5 if args.quick else 15)))
                print(video_latency(landmarker, folder, 10 if args.quick else 30))
                print()
            if not args.latency_only:
                seeds = [1] if args.quick else [1, 2]
                print("\n".join(accuracy(landmarker, stone, folder, seeds)))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
