"""A WebM (Matroska) video loses its metadata at upload as an MP4 does (twelfth session): before,
it was stored as it came, with its title, the time it was recorded (DateUTC), the place
(a LOCATION tag), comments, the software that wrote it, a cover picture and chapter titles,
which a dermatologist it was shared with would read. Real files from ffmpeg, a browser's live
recording (unknown sizes, the Tags after the Clusters) among them, through the upload."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable

import cv2
import numpy as np
import pytest

from metskin.adapters.vision.ingest import MediaPreparerAdapter, temporary_file
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis.media import WEBM, MediaLimits
from tests.media_samples import MKV_TOLD, WEBM_TOLD, as_a_browser_records, ffmpeg_webm

MADE: dict[str, tuple[Callable[[], bytes], tuple[bytes, ...]]] = {
    "webm": (ffmpeg_webm, WEBM_TOLD),
    "mkv": (lambda: ffmpeg_webm(matroska=True), MKV_TOLD),
    "recorded": (lambda: as_a_browser_records(ffmpeg_webm(live=True)), WEBM_TOLD),
}


def probed(data: bytes) -> dict:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe not installed")
    with temporary_file(data, ".webm") as path:
        command = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters"]
        done = subprocess.run([*command, "-of", "json", str(path)], capture_output=True, check=True)
    return json.loads(done.stdout)


def told(probe: dict) -> dict[str, str]:
    """Every tag ffprobe reads, of the file, its streams and its chapters, with a value."""
    tagged = [probe["format"], *probe["streams"], *probe["chapters"]]
    return {key: value for item in tagged for key, value in item.get("tags", {}).items() if value}


def frames(data: bytes) -> list[np.ndarray]:
    with temporary_file(data, ".webm") as path:
        capture = cv2.VideoCapture(str(path))
        decoded = []
        while (read := capture.read())[0]:
            decoded.append(read[1])
        capture.release()
    return decoded


@pytest.mark.parametrize("made", MADE, ids=list(MADE))
def test_a_webm_loses_its_title_recording_time_place_and_attachments(made: str) -> None:
    make, strings = MADE[made]
    data = make()
    before = told(probed(data))
    assert {"title", "creation_time"} <= before.keys(), before

    prepared = MediaPreparerAdapter().prepare(data, WEBM, MediaLimits())

    stored = prepared.data
    assert len(stored) == len(data)  # in place: the Cues' offsets to the clusters hold
    for string in strings:
        assert string in data and string not in stored, string
    after = probed(stored)
    assert told(after) == {}, after  # no title, creation time, location, encoder, chapter
    assert [stream["codec_type"] for stream in after["streams"]] == ["video"]  # no cover
    original, decoded = frames(data), frames(stored)
    assert len(decoded) == len(original) == 10 and all(map(np.array_equal, decoded, original))
    again = MediaPreparerAdapter().prepare(stored, WEBM, MediaLimits())  # still a video
    assert again.data == stored and again.thumbnail_jpeg == prepared.thumbnail_jpeg
    assert (again.width, again.height, again.duration_s) == (96, 64, 1.0)
    with temporary_file(stored, ".webm") as path:  # as the engine reads the stored video
        assert len(list(VideoFrames(path, fps=10, duration_s=again.duration_s))) == 10
