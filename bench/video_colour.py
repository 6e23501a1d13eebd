"""Tone from video frames against the same picture as a still: the colour matrix and HDR.

    PYTHONPATH=src:. .venv/bin/python bench/video_colour.py [--limit N]

Needs the ffmpeg command (apt's ffmpeg). Each London face (neutral) is set into a 1280x720
frame and coded as H.264 the way phones code it: BT.709 (tagged in the stream's VUI), HLG in
BT.2020 with 10 bits (tagged in the MP4's colr box: an iPhone's default), and BT.601 for
reference. The first frame is read as OpenCV alone reads it ("before": BT.601 for every
stream, HDR as SDR) and through `VideoFrames` ("after"), and measured by the engine like a
photo. Prints the median and 90th percentile of |ITA change| against the still, Monk changes
beyond one step and refusals, per Monk tone of the still (worst tone beside the median tone).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
from bench.london_tone import Change, per_tone
from tests.analysis.london import LONDON
from tests.integration.test_video_colour import hlg_signal

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis.engine import analyse_image

CODINGS = {
    "BT.709": ("bt709", "yuv420p", "-colorspace bt709 -color_primaries bt709 -color_trc bt709"),
    "BT.601": ("bt470bg", "yuv420p", "-colorspace bt470bg -color_primaries bt470bg"),
    "HLG": (
        "bt2020",
        "yuv420p10le",
        "-colorspace bt2020nc -color_primaries bt2020 -color_trc arib-std-b67 "
        "-movflags +write_colr",
    ),
}


def frame_of(path: Path) -> np.ndarray:
    rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    face = cv2.resize(rgb, (960, 720), interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(face, 0, 0, 160, 160, cv2.BORDER_REPLICATE)


def encode(rgb: np.ndarray, coding: str, folder: Path) -> Path:
    matrix, pixels, tags = CODINGS[coding]
    source = folder / "frame.png"
    if coding == "HLG":
        signal = np.round(hlg_signal(rgb) * 65535).astype(np.uint16)
        cv2.imwrite(str(source), signal[..., ::-1])
    else:
        cv2.imwrite(str(source), rgb[..., ::-1])
    target = folder / f"{coding}.mp4"
    scale = f"scale=out_color_matrix={matrix}:out_range=tv,format={pixels}"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), "-frames:v", "1"]
    command += ["-vf", scale, "-c:v", "libx264", "-crf", "12", *tags.split(), str(target)]
    subprocess.run(command, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    limit = parser.parse_args().limit
    landmarker = MediaPipeLandmarker()
    rows: dict[str, list[tuple[int, float | None, int | None]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for path in sorted(LONDON.glob("*.jpg"))[:limit]:
            still = frame_of(path)
            base = analyse_image(still, landmarker).tone
            if base is None:
                continue
            for coding in CODINGS:
                video = encode(still, coding, folder)
                _, bgr = cv2.VideoCapture(str(video)).read()
                for when, rgb in (
                    ("before", bgr[..., ::-1].copy()),
                    ("after", next(iter(VideoFrames(video))).full()),
                ):
                    tone = analyse_image(np.ascontiguousarray(rgb), landmarker).tone
                    change = None if tone is None else abs(tone.ita_deg - base.ita_deg)
                    step = None if tone is None else abs(tone.monk - base.monk)
                    rows[f"{coding} {when}"].append((base.monk, change, step))
    report(rows)


def report(rows: dict[str, list[Change]]) -> None:
    columns = ["coding", "refused", "median abs ITA change (p90)", "Monk beyond one step"]
    print("| " + " | ".join([*columns, "per Monk tone; worst / median tone"]) + " |")
    print("|---|---|---|---|---|")
    for name, found in rows.items():
        measured = [(monk, change, step) for monk, change, step in found if change is not None]
        if not measured:
            print(f"| {name} | {len(found)} (all) | - | - | - |")
            continue
        changes = np.array([change for _, change, _ in measured])
        print(
            f"| {name} | {len(found) - len(measured)} | {np.median(changes):.2f} "
            f"({np.percentile(changes, 90):.2f}) | {sum(step > 1 for _, _, step in measured)} | "
            f"{per_tone(found)} |"
        )


if __name__ == "__main__":
    main()
