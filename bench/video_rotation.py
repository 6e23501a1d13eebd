"""Portrait videos as phones store them: the frames on their side and a rotation to show them
by, against the same clip stored upright.

    PYTHONPATH=src:. .venv/bin/python bench/video_rotation.py [STEP]     # ~4 min at STEP 4

Needs ffmpeg. Each STEP-th neutral London face is set into a 720x1280 portrait frame (the photo
at 720x720, the background continued above and below) and made a 1 s clip at 10 fps with a
little shake (`bench/video_bitrate.shaken`, sub-pixel, no added noise), coded in H.264 (crf 18):
once upright, and once as a phone stores it, the frames turned a quarter (clockwise, or
anticlockwise for a phone held the other way) with the track's rotation to show them upright
(ffmpeg's `rotate` tag, read by players as a display matrix). Each is analysed through
`VideoFrames` and `analyse_frames`, as the worker does. Prints per stored turn: the clips
refused, the result's frame as the user sees it (upright, or on its side), and the change of
ITA and of every concern's score against the upright clip (median, 90th percentile of the
absolute change); then per Monk band of the upright clip the median change of ITA, lines and dark
circles, with the worst band's dark circles beside the median band's.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from bench.video_bitrate import shaken
from bench.video_compression import change_row
from tests.analysis.london import LONDON

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis.engine import analyse_frames
from metskin.domain.analysis.model import AnalysisResult

FPS = 10
TURNS = {
    "upright": None,
    "on its side (90)": ("transpose=1", "90"),
    "(270)": ("transpose=2", "270"),
}
CONCERNS = ("wrinkles", "pores", "acne", "pigmentation", "redness", "shine", "dark_circles")
KEYS = ("ita", "wrinkles", "dark_circles")  # per Monk band: ITA / lines / dark circles


def portrait(path: Path) -> np.ndarray:
    rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    face = cv2.resize(rgb, (720, 720), interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(face, 280, 280, 0, 0, cv2.BORDER_REPLICATE)


def clip(frames: list[np.ndarray], turn: tuple[str, str] | None, folder: Path) -> Path:
    height, width = frames[0].shape[:2]
    coded, target = folder / "coded.mp4", folder / "clip.mp4"
    turned = f"{turn[0]}," if turn else ""
    command = ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    command += ["-s", f"{width}x{height}", "-r", str(FPS), "-i", "-"]
    command += ["-vf", f"{turned}scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18"]
    command += ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]
    subprocess.run([*command, str(coded)], input=b"".join(f.tobytes() for f in frames), check=True)
    tag = ["-metadata:s:v:0", f"rotate={turn[1]}"] if turn else []
    remux = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(coded), "-c", "copy", *tag]
    subprocess.run([*remux, str(target)], check=True)
    return target


def main(step: int) -> None:
    landmarker = MediaPipeLandmarker()
    rows: dict[str, list[dict]] = {name: [] for name in TURNS}
    with tempfile.TemporaryDirectory() as scratch:
        for number, path in enumerate(sorted(LONDON.glob("*.jpg"))[::step]):
            still, rng = portrait(path), np.random.default_rng(number)
            frames = [shaken(still, index, rng, 0.0, False) for index in range(FPS)]
            results = {}
            for name, turn in TURNS.items():
                source = VideoFrames(clip(frames, turn, Path(scratch)))
                results[name] = analyse_frames(
                    source, landmarker, expected_frames=source.expected_frames
                )
            base = results["upright"]
            for name, result in results.items():
                row: dict = {"ok": result.ok, "band": band(base)}
                shown = result.frame.shape[:2] if result.frame is not None else None
                row["upright"] = shown == (1280, 720)
                if base.ok:  # ITA's change, and each concern's (made absolute)
                    changes = change_row(result, base, CONCERNS)
                    row.update(
                        {key: abs(changes[key]) for key in ("ita", *CONCERNS) if key in changes}
                    )
                rows[name].append(row)
            print(f"{path.name} done", file=sys.stderr, flush=True)
    print(
        "| stored | clips | refused | result's frame upright | ITA | " + " | ".join(CONCERNS) + " |"
    )
    print("|---|---|---|---|---|" + "---|" * len(CONCERNS))
    for name, found in rows.items():
        measured = [row for row in found if "ita" in row]
        cells = []
        for key in ("ita", *CONCERNS):
            values = [row[key] for row in measured]
            cells.append(
                f"{np.median(values):.1f}, {np.percentile(values, 90):.1f}" if values else "-"
            )
        print(
            f"| {name} | {len(found)} | {sum(not row['ok'] for row in found)} | "
            f"{sum(row['upright'] for row in found)} | " + " | ".join(cells) + " |"
        )
    per_band(rows)


def band(result: AnalysisResult) -> str:
    monk = result.tone.monk if result.tone else 0
    return "M1-3" if monk <= 3 else "M4" if monk == 4 else "M5" if monk == 5 else "M6-10"


def per_band(rows: dict[str, list[dict]]) -> None:
    """Median absolute change per Monk band of the upright clip: ITA, lines, dark circles."""
    bands = ("M1-3", "M4", "M5", "M6-10")
    print("\n| stored | " + " | ".join(bands) + " | worst / median band (dark circles) |")
    print("|---|" + "---|" * (len(bands) + 1))
    for name, found in rows.items():
        if name == "upright":
            continue
        cells, circles = [], []
        for tone in bands:
            measured = [row for row in found if "ita" in row and row["band"] == tone]
            if not measured:
                cells.append("-")
                continue
            medians = [np.median([row[key] for row in measured]) for key in KEYS]
            circles.append(medians[2])
            cells.append(" / ".join(f"{value:.1f}" for value in medians) + f" ({len(measured)})")
        ratio = max(circles) / max(float(np.median(circles)), 0.05)
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.1f}x |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
