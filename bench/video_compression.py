"""Concern scores from video frames coded at the qualities phones and messengers use, against
the same picture as a still.

    PYTHONPATH=src:. .venv/bin/python bench/video_compression.py [STEP]   # ~4 min at STEP 4

Needs the ffmpeg command. Each STEP-th neutral London face is set into a 1280x720 frame
(`bench/video_colour.frame_of`) and coded as three frames of H.264 (BT.709, 4:2:0, preset
veryfast) at crf 12, 18, 23 and 28; the third frame (a P-frame) is read through `VideoFrames`
and measured like a photo. Prints per crf the frames refused and the codes added, ITA's change,
the wrinkles' texture (`lines.find_lines`) against the still's, and per concern the median, 10th
and 90th percentile of the score's change.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from bench.video_colour import frame_of
from tests.analysis.london import LONDON

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.model import AnalysisResult

CRFS = (12, 18, 23, 28)
CONCERNS = ("wrinkles", "pores", "acne", "pigmentation", "redness", "shine", "dark_circles")


def coded(rgb: np.ndarray, crf: int, folder: Path) -> np.ndarray:
    source, target = folder / "frame.png", folder / f"crf{crf}.mp4"
    cv2.imwrite(str(source), rgb[..., ::-1])
    command = ["ffmpeg", "-loglevel", "error", "-y", "-loop", "1", "-i", str(source)]
    command += ["-frames:v", "3", "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf)]
    command += ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]
    subprocess.run([*command, str(target)], check=True)
    return np.ascontiguousarray(list(VideoFrames(target))[-1].full())


def change_row(result: AnalysisResult, base: AnalysisResult, concerns: Sequence[str]) -> dict:
    """A coded frame's result against the frame's before coding (`base`, measured): refused or
    not, the codes it adds, ITA's change, the wrinkles' texture as a share of `base`'s, and each
    concern's change of score."""
    row = {
        "ok": result.ok,
        "codes": {i.code for i in result.quality} - {i.code for i in base.quality},
    }
    if result.ok and result.tone is not None and base.tone is not None:
        row["ita"] = abs(result.tone.ita_deg - base.tone.ita_deg)
        texture = result.concern("wrinkles").measurements["texture"]
        row["texture"] = texture / base.concern("wrinkles").measurements["texture"]
        row.update({c: result.concern(c).score - base.concern(c).score for c in concerns})
    return row


def main(step: int) -> None:
    landmarker = MediaPipeLandmarker()
    rows: dict[int, list[dict]] = {crf: [] for crf in CRFS}
    with tempfile.TemporaryDirectory() as scratch:
        for path in sorted(LONDON.glob("*.jpg"))[::step]:
            still = frame_of(path)
            base = analyse_image(still, landmarker)
            if not base.ok or base.tone is None:
                continue
            for crf in CRFS:
                result = analyse_image(coded(still, crf, Path(scratch)), landmarker)
                rows[crf].append(change_row(result, base, CONCERNS))
    print(
        "| crf | frames | refused (codes added) | ITA change median | wrinkles' texture / still's |"
    )
    print("|---|---|---|---|---|")
    for crf, found in rows.items():
        measured = [row for row in found if row["ok"]]
        codes: dict[str, int] = {}
        for row in found:
            for code in row["codes"]:
                codes[code] = codes.get(code, 0) + 1
        print(
            f"| {crf} | {len(found)} | {len(found) - len(measured)} ({codes or '-'}) | "
            f"{np.median([r['ita'] for r in measured]):.2f} | "
            f"{np.median([r['texture'] for r in measured]):.2f} |"
        )
    print("\n| crf | " + " | ".join(CONCERNS) + " |")
    print("|---|" + "---|" * len(CONCERNS))
    for crf, found in rows.items():
        cells = []
        for concern in CONCERNS:
            change = [row[concern] for row in found if row["ok"]]
            low, middle, high = np.percentile(change, (10, 50, 90))
            cells.append(f"{middle:+.1f} ({low:+.1f}, {high:+.1f})")
        print(f"| {crf} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
