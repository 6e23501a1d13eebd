"""Concern scores from video coded at the bit rates phones and messengers use, against the same
frame before coding.

    PYTHONPATH=src:. .venv/bin/python bench/video_bitrate.py [STEP] [--noise SD]
        [--whole-pixels | --wobble] [--codecs libx264,libx265]   # ~9 min at STEP 6, both codecs

Needs ffmpeg and ffprobe. Each STEP-th neutral London face is set into a 1280x720 frame
(`bench/video_colour.frame_of`) and made a 2 s clip at 30 fps with a hand's shake (a drift of a
few pixels and a 1 % zoom, smooth) and fresh sensor noise in every frame (sd 1.5 levels;
`--noise`): the motion and noise that cost a real clip its bits, which a still repeated
(`bench/video_compression.py`) does not have. The drift is sub-pixel (resampled, which softens
the picture a little) or, with `--whole-pixels`, by whole pixels without the zoom; `--wobble`
adds a smooth field of local motion (1.5 px, changing every frame, as a face's own movement
does), which a codec's block motion cannot follow exactly. The clip is
coded at target bit rates (one pass, a key frame every second, preset veryfast as real-time
coders are, the rate capped at 1.5x) in H.264 and HEVC; the frame at 1.5 s (mid-way between key
frames) is read through `VideoFrames` and measured like a photo against the same frame before
coding. Prints per codec and rate the bits per pixel of a frame (the video stream's rate, from
ffprobe), the refusals, ITA's change, the wrinkles' texture (`lines.find_lines`, the lines'
threshold) against the frame's before coding, and the concern scores' change (median, 10th and
90th percentile).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from bench.video_colour import frame_of
from bench.video_compression import change_row
from tests.analysis.london import LONDON

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis.engine import analyse_image

FPS, SECONDS, MEASURED = 30, 2, 45
# bits per pixel per frame: 0.26 a phone's 1080p30 H.264 (about 16 Mbit/s), 0.13 the lower end
# of phones' own rates; 0.08-0.03 messengers' re-coding (1.5-3 Mbit/s at 720p30 and below)
RATES = (0.26, 0.13, 0.08, 0.05, 0.03)
CODECS = ("libx264", "libx265")
CONCERNS = ("wrinkles", "pores", "pigmentation", "redness", "shine", "dark_circles")


def shaken(
    still: np.ndarray,
    index: int,
    rng: np.random.Generator,
    noise: float,
    whole_pixels: bool,
    wobble: bool = False,
) -> np.ndarray:
    t = index / FPS
    height, width = still.shape[:2]
    shift = (3.0 * np.sin(2 * np.pi * t / 1.7), 2.0 * np.sin(2 * np.pi * t / 2.3))
    if wobble:  # a smooth field of local motion that changes every frame (the face's own)
        rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
        phase = 2 * np.pi * t
        dx = 1.5 * np.sin(cols / 37.0 + phase / 0.9) * np.cos(rows / 53.0 - phase / 1.3)
        dy = 1.5 * np.cos(cols / 41.0 - phase / 1.1) * np.sin(rows / 47.0 + phase / 0.7)
        moved = cv2.remap(
            still,
            (cols + shift[0] + dx).astype(np.float32),
            (rows + shift[1] + dy).astype(np.float32),
            cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float32)
    elif whole_pixels:  # moved by whole pixels: the picture keeps its every pixel
        dx, dy = (round(value) for value in shift)
        moved = np.roll(still, (dy, dx), axis=(0, 1)).astype(np.float32)
    else:
        zoom = 1.0 + 0.005 * np.sin(2 * np.pi * t / 2.9)
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), 0.0, zoom)
        turn[:, 2] += shift
        moved = cv2.warpAffine(
            still, turn, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
        ).astype(np.float32)
    moved += rng.normal(0.0, noise, moved.shape).astype(np.float32)
    return np.clip(np.round(moved), 0, 255).astype(np.uint8)


def coded(frames: list[np.ndarray], codec: str, rate: float, folder: Path) -> tuple[Path, float]:
    height, width = frames[0].shape[:2]
    bits = int(rate * width * height * FPS)
    target = folder / f"{codec}-{rate}.mp4"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    command += ["-s", f"{width}x{height}", "-r", str(FPS), "-i", "-"]
    command += ["-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"]
    command += ["-c:v", codec, "-preset", "veryfast", "-g", str(FPS), "-b:v", str(bits)]
    command += ["-maxrate", str(int(bits * 1.5)), "-bufsize", str(bits * 2)]
    if codec == "libx265":
        command += ["-tag:v", "hvc1", "-x265-params", "log-level=error"]
    command += ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]
    subprocess.run([*command, str(target)], input=b"".join(f.tobytes() for f in frames), check=True)
    probe = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries"]
    probe += ["stream=bit_rate", "-of", "default=noprint_wrappers=1:nokey=1", str(target)]
    rate_read = float(subprocess.run([*probe], capture_output=True, check=True).stdout)
    return target, rate_read / (width * height * FPS)


def main(step: int, noise: float, whole_pixels: bool, wobble: bool, codecs: list[str]) -> None:
    landmarker = MediaPipeLandmarker()
    rows: dict[tuple[str, float], list[dict]] = {(c, r): [] for c in codecs for r in RATES}
    with tempfile.TemporaryDirectory() as scratch:
        for number, path in enumerate(sorted(LONDON.glob("*.jpg"))[::step]):
            rng = np.random.default_rng(number)
            still = frame_of(path)
            frames = [
                shaken(still, index, rng, noise, whole_pixels, wobble)
                for index in range(FPS * SECONDS)
            ]
            base = analyse_image(frames[MEASURED], landmarker)
            if not base.ok or base.tone is None:
                continue
            for codec in codecs:
                for rate in RATES:
                    clip, bpp = coded(frames, codec, rate, Path(scratch))
                    picked = list(VideoFrames(clip, fps=FPS, max_frames=FPS * SECONDS))
                    result = analyse_image(
                        np.ascontiguousarray(picked[MEASURED].full()), landmarker
                    )
                    row = {"bpp": bpp, **change_row(result, base, CONCERNS)}
                    rows[(codec, rate)].append(row)
            print(f"{path.name} done", file=sys.stderr, flush=True)
    head = "| codec | target bpp | bits per pixel read: median (min, max) | clips | refused "
    print(
        head
        + "(codes added) | ITA change median | wrinkles' texture / before | "
        + " | ".join(CONCERNS)
        + " |"
    )
    print("|---|---|---|---|---|---|---|" + "---|" * len(CONCERNS))
    for (codec, rate), found in rows.items():
        measured = [row for row in found if row["ok"]]
        codes: dict[str, int] = {}
        for row in found:
            for code in row["codes"]:
                codes[code] = codes.get(code, 0) + 1
        read = [row["bpp"] for row in found]
        cells = []
        for concern in CONCERNS:
            change = [row[concern] for row in measured]
            low, middle, high = np.percentile(change, (10, 50, 90))
            cells.append(f"{middle:+.1f} ({low:+.1f}, {high:+.1f})")
        print(
            f"| {codec[3:]} | {rate} | {np.median(read):.3f} ({min(read):.3f}, {max(read):.3f}) | "
            f"{len(found)} | {len(found) - len(measured)} ({codes or '-'}) | "
            f"{np.median([r['ita'] for r in measured]):.2f} | "
            f"{np.median([r['texture'] for r in measured]):.2f} | " + " | ".join(cells) + " |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("step", nargs="?", type=int, default=6)
    parser.add_argument("--noise", type=float, default=1.5)
    parser.add_argument("--whole-pixels", action="store_true")
    parser.add_argument("--wobble", action="store_true")
    parser.add_argument("--codecs", default=",".join(CODECS))
    options = parser.parse_args()
    main(
        options.step, options.noise, options.whole_pixels, options.wobble, options.codecs.split(",")
    )
