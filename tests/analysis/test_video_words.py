"""A video's analysis tells its issues about a video: a clip saved with strong compression was
told "Send the photo as your camera saved it, not a copy from a chat or a screenshot"."""

from __future__ import annotations

from pathlib import Path

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_frames, analyse_image
from metskin.domain.analysis.guidance import GUIDANCE, VIDEO_WORDS
from tests.analysis.degrade import VARIANTS
from tests.fakes.infra import FakeLandmarker


def test_a_compressed_clip_is_told_about_a_video_and_a_photo_about_a_photo(
    landmarker: MediaPipeLandmarker, london_paths: list[Path]
) -> None:
    path = next(p for p in london_paths if p.name.startswith("083"))
    rgb = load_image(path)
    points = landmarker.detect(rgb)[0]
    frame = VARIANTS["JPEG q40"](rgb, points, 83)  # as a chat app sends it on
    clip = analyse_frames([frame] * 3, FakeLandmarker([points]))
    photo = analyse_image(frame, FakeLandmarker([points]))
    told = {item.code: item for item in clip.quality}
    assert told["COMPRESSED"].guidance == VIDEO_WORDS["COMPRESSED"][1]
    assert not [i for i in clip.quality if "photo" in (i.message + i.guidance).lower()]
    assert {i.code: i.guidance for i in photo.quality}["COMPRESSED"] == GUIDANCE["COMPRESSED"][1]


def test_each_video_wording_names_a_video_where_the_photo_s_names_a_photo() -> None:
    for code, words in VIDEO_WORDS.items():
        for photo, video in zip(GUIDANCE[code], words, strict=True):
            assert "photo" not in video.lower(), (code, video)
            assert photo == video or "video" in video.lower(), (code, video)
        assert "photo" in " ".join(GUIDANCE[code]).lower(), code
