"""Video frames come out in the colours the camera coded: the stream's matrix (BT.709 in phone
video, BT.601 in SD), and HDR (HLG) turned into SDR sRGB; and upright, as the file shows them.
The fixtures (tests/fixtures/video, made by its make.sh) are four flat skin-coloured patches
coded lossless in each way."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from metskin.adapters.vision import video_colour, video_tags
from metskin.adapters.vision.ingest import prepare_video
from metskin.adapters.vision.video import VideoFrames
from metskin.adapters.vision.video_colour import (
    BT601,
    BT709,
    BT2020,
    HLG,
    HLG_WHITE,
)
from metskin.adapters.vision.video_tags import read_colour
from metskin.domain.analysis.errors import MediaTooLong
from metskin.domain.analysis.media import MediaLimits, sniff
from tests.media_samples import patch_means

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/video"
PATCHES = np.array([(236, 200, 180), (200, 150, 120), (150, 100, 75), (90, 60, 45)], float)


def hlg_signal(rgb: np.ndarray) -> np.ndarray:
    """8-bit sRGB as the HLG signal (0..1) a camera would code: linear light, BT.2020 primaries
    (BT.2087), SDR white at HLG's reference white, the HLG OETF (BT.2100)."""
    srgb = rgb.astype(np.float64) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    to_2020 = [[0.6274, 0.3293, 0.0433], [0.0691, 0.9195, 0.0114], [0.0164, 0.0880, 0.8956]]
    light = linear @ np.array(to_2020).T * HLG_WHITE
    a, b, c = 0.17883277, 0.28466892, 0.55991073
    log_part = a * np.log(np.maximum(12 * light - b, 1e-9)) + c
    return np.clip(np.where(light <= 1 / 12, np.sqrt(3 * light), log_part), 0, 1)


def opencv_colours(path: Path) -> np.ndarray:
    ok, bgr = cv2.VideoCapture(str(path)).read()
    assert ok
    return patch_means(bgr[..., ::-1])


@pytest.mark.parametrize(
    ("name", "matrix"),
    [
        ("bt709-vui.mp4", BT709),  # H.264 VUI
        ("bt709-colr.mov", BT709),  # QuickTime colr nclc
        ("bt709.webm", BT709),  # Matroska Colour
        ("bt601-vui.mp4", 5),
        ("hlg-colr.mp4", BT2020),  # MP4 colr nclx, HLG
    ],
)
def test_frames_come_out_in_the_coded_colours(name: str, matrix: int) -> None:
    path = FIXTURES / name
    frames = VideoFrames(path)
    assert frames.colour.matrix == matrix
    decoded = patch_means(next(iter(frames)).full())
    assert np.abs(decoded - PATCHES).max() <= 3.0, decoded.round(1)


def test_opencv_alone_reads_phone_video_wrong() -> None:
    """What the frames looked like before: BT.709 read as BT.601 loses red and yellow (b*),
    and HLG read as SDR comes out far too dark. (Guards that the fixtures exercise the fix.)"""
    bt709 = opencv_colours(FIXTURES / "bt709-vui.mp4")
    assert (PATCHES[:, 0] - bt709[:, 0]).min() >= 3.0  # red
    assert (bt709[:, 2] - PATCHES[:, 2]).max() <= 1.5  # blue rises a little, if at all
    hlg = opencv_colours(FIXTURES / "hlg-colr.mp4")
    assert (PATCHES - hlg).mean() >= 20.0


def test_an_untagged_stream_is_left_as_decoded() -> None:
    """Players disagree on untagged video and browsers record it in BT.601: no guess."""
    path = FIXTURES / "bt709-untagged.mp4"
    assert read_colour(path) == video_colour.VideoColour(BT601, None)
    np.testing.assert_allclose(
        patch_means(next(iter(VideoFrames(path))).full()), opencv_colours(path)
    )


def test_colour_tags_are_read_from_each_container() -> None:
    assert read_colour(FIXTURES / "hlg-colr.mp4").transfer == HLG
    assert read_colour(FIXTURES / "hlg-colr.mp4").hdr
    assert not read_colour(FIXTURES / "bt709-vui.mp4").hdr
    nclx = b"\x00\x00\x00\x13colrnclx\x00\x09\x00\x10\x00\x09\x80"
    assert video_tags._mp4_colour(b"ftyp" + nclx) == video_colour.VideoColour(9, 16)


def test_damaged_or_foreign_files_get_the_default(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"avcC" + bytes(range(256)) * 4 + b"colrncl")
    assert read_colour(junk) == video_colour.VideoColour(BT601, None)
    truncated = tmp_path / "truncated.mp4"
    data = (FIXTURES / "bt709-vui.mp4").read_bytes()
    truncated.write_bytes(data[: data.find(b"avcC") + 16])
    assert read_colour(truncated) == video_colour.VideoColour(BT601, None)


def test_an_hdr_video_gets_a_thumbnail_in_its_colours() -> None:
    data = (FIXTURES / "hlg-colr.mp4").read_bytes()
    limits = MediaLimits(max_pixels=2_000_000, max_video_seconds=5, max_video_side=640)
    prepared = prepare_video(data, sniff(data), limits)
    assert prepared.thumbnail_jpeg is not None
    thumbnail = cv2.imdecode(np.frombuffer(prepared.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert np.abs(patch_means(thumbnail[..., ::-1]) - PATCHES).max() <= 4.0


def test_only_the_movie_box_is_read(tmp_path: Path) -> None:
    """Tags are read from the `moov` box, so bytes elsewhere that look like one (in the coded
    pictures, or here a `free` box before the movie) cannot decide the colours."""
    data = (FIXTURES / "bt709-vui.mp4").read_bytes()
    ftyp = int.from_bytes(data[:4], "big")
    decoy = b"colrnclx\x00\x09\x00\x10\x00\x09\x00" + b"avcC" + bytes(64)
    free = (8 + len(decoy)).to_bytes(4, "big") + b"free" + decoy
    path = tmp_path / "decoy.mp4"
    path.write_bytes(data[:ftyp] + free + data[ftyp:])
    assert read_colour(path) == video_colour.VideoColour(BT709, 1)


def test_a_portrait_video_s_frames_come_out_upright() -> None:
    """A phone stores a portrait video's frames on their side and a rotation to show them by:
    the frames, the size checked at upload and the thumbnail are the picture as shown."""
    path = FIXTURES / "bt709-portrait.mp4"
    stored = cv2.VideoCapture(str(path))
    stored.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    ok, on_its_side = stored.read()
    assert ok and on_its_side.shape[:2] == (128, 64)  # what OpenCV gave before
    frame = next(iter(VideoFrames(path))).full()
    assert frame.shape[:2] == (64, 128)
    assert np.abs(patch_means(frame) - PATCHES).max() <= 3.0  # left to right, as shown
    data = path.read_bytes()
    limits = MediaLimits(max_pixels=2_000_000, max_video_seconds=5, max_video_side=640)
    prepared = prepare_video(data, sniff(data), limits)
    assert (prepared.width, prepared.height) == (128, 64)
    assert prepared.thumbnail_jpeg is not None
    thumbnail = cv2.imdecode(np.frombuffer(prepared.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert np.abs(patch_means(thumbnail[..., ::-1]) - PATCHES).max() <= 4.0


def test_a_video_without_a_duration_is_counted_not_refused() -> None:
    """A browser's own recording (MediaRecorder's WebM) has no duration: OpenCV reads its frame
    count as a huge negative number. Its frames are counted at upload, and the limit holds."""
    path = FIXTURES / "bt709-no-duration.webm"
    data = path.read_bytes()
    limits = MediaLimits(max_pixels=2_000_000, max_video_seconds=5, max_video_side=640)
    prepared = prepare_video(data, sniff(data), limits)
    assert prepared.duration_s == 1.0 and (prepared.width, prepared.height) == (128, 64)
    assert prepared.thumbnail_jpeg is not None
    thumbnail = cv2.imdecode(np.frombuffer(prepared.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert np.abs(patch_means(thumbnail[..., ::-1]) - PATCHES).max() <= 4.0
    frames = VideoFrames(path)
    assert frames.expected_frames is None and len(list(frames)) == 4  # 10 frames at about 4 fps
    # the worker passes the length counted at upload: the progress of the analysis is known
    assert VideoFrames(path, duration_s=prepared.duration_s).expected_frames == 4
    short = MediaLimits(max_pixels=2_000_000, max_video_seconds=0.5, max_video_side=640)
    with pytest.raises(MediaTooLong, match="more than"):
        prepare_video(data, sniff(data), short)
