"""A clip whose face was in only a few of its frames (the camera on the wall or the floor
the rest of the time). Before, it gave a result from those frames, and nothing said that most
of the clip had no face ("1 frame analysed" at most). Now a result from under half of the
frames sampled says how many (FEW_FACE_FRAMES, a warning), and one that rests on a single
frame is refused (TOO_FEW_FACE_FRAMES). The clips are written here (OpenCV, no ffmpeg)."""

from __future__ import annotations

from pathlib import Path

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis import aggregate, engine, validity
from metskin.domain.analysis.engine import analyse_frames
from metskin.graphql.analysis.types import result_from_dict
from tests.media_samples import face_video_bytes


def clip(tmp_path: Path, with_face: range) -> VideoFrames:
    """3 s at 30 fps of a room, the face in `with_face` of its 90 frames; sampled at 4 fps:
    frames 0, 8, 15, 23, 30, 38, 45, 53, 60, 68, 75, 83."""
    path = tmp_path / "clip.mp4"
    path.write_bytes(face_video_bytes(fps=30, seconds=3, side=640, face_in=with_face))
    frames = VideoFrames(path, fps=4.0)
    assert frames.expected_frames == 12
    return frames


def codes(result) -> dict[str, bool]:
    return {issue.code: issue.blocking for issue in result.quality}


def test_a_face_in_a_few_frames_is_measured_and_says_so(landmarker, tmp_path: Path) -> None:
    result = analyse_frames(clip(tmp_path, range(30, 46)), landmarker)  # sampled: 30, 38, 45
    assert result.ok and result.frames_analysed == 3, codes(result)
    assert codes(result)["FEW_FACE_FRAMES"] is False
    [few] = [issue for issue in result.quality if issue.code == "FEW_FACE_FRAMES"]
    assert few.message.startswith("Your face was clearly seen in only 3 of the 12 frames")
    assert few.value == pytest.approx(0.25)
    stored = result.to_dict()
    translations = BabelTranslations()
    french = result_from_dict(stored, translations.translator("fr-FR"))
    german = result_from_dict(stored, translations.translator("de"))
    [fr] = [issue for issue in french.quality if issue.code == "FEW_FACE_FRAMES"]
    [de] = [issue for issue in german.quality if issue.code == "FEW_FACE_FRAMES"]
    assert "3 des 12 images" in fr.message, fr
    assert "3 der 12 untersuchten Bilder" in de.message, de
    assert fr.guidance.startswith("Pour") and de.guidance.startswith("Für"), (fr, de)
    assert not french.retake_needed


def test_a_face_in_one_frame_of_a_clip_is_refused_with_the_counts(
    landmarker, tmp_path: Path
) -> None:
    result = analyse_frames(clip(tmp_path, range(30, 32)), landmarker)  # sampled: 30
    assert not result.ok and codes(result) == {"TOO_FEW_FACE_FRAMES": True}
    assert result.quality[0].message.startswith(
        "Your face was clearly seen in only 1 of the 12 frames we looked at: too few"
    )
    french = result_from_dict(result.to_dict(), BabelTranslations().translator("fr"))
    assert french.retake_needed and "1 des 12 images" in french.quality[0].message
    assert "1 des 12 images" in french.summary, french.summary


def test_a_face_in_half_the_frames_or_more_says_nothing_of_it(landmarker, tmp_path) -> None:
    result = analyse_frames(clip(tmp_path, range(30, 90)), landmarker)  # 8 of 12
    assert result.ok and not {"FEW_FACE_FRAMES", "TOO_FEW_FACE_FRAMES"} & set(codes(result))


def test_a_result_from_a_quarter_of_the_frames_has_half_the_confidence(
    landmarker, tmp_path: Path
) -> None:
    """The confidence of a result from few frames times the share seen over the half (before:
    that of the same frames as a clip of their own)."""
    frames = list(clip(tmp_path, range(30, 46)))  # the face in sampled frames 4, 5, 6 of 12
    alone = analyse_frames(frames[4:7], landmarker)  # the same three frames: no note
    few = analyse_frames(frames, landmarker)
    assert "FEW_FACE_FRAMES" not in codes(alone) and codes(few)["FEW_FACE_FRAMES"] is False
    assert alone.confidence > 0.3
    assert few.confidence == pytest.approx(alone.confidence * 0.25 / 0.5)
    assert few.tone == alone.tone  # the measures are those frames' own


def test_a_low_confidence_from_few_frames_is_refused(
    landmarker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lowered under the least a result is shown with, the clip is refused as too few."""
    frames = list(clip(tmp_path, range(30, 46)))
    alone = analyse_frames(frames[4:7], landmarker)
    monkeypatch.setattr(aggregate, "MIN_CONFIDENCE", alone.confidence * 0.5 + 0.01)
    refused = analyse_frames(frames, landmarker)
    assert not refused.ok and codes(refused) == {"TOO_FEW_FACE_FRAMES": True}
    assert refused.quality[0].message.startswith("Your face was clearly seen in only 3 of the 12")


def test_frames_that_fail_at_full_size_are_not_counted_as_seen(
    landmarker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A face in 8 of 12 frames passed the gate (on a small copy); 3 of the 5 measured at full
    size fail there. Before: 8 of 12 counted, nothing said; now 5 of 12, and said."""
    measure = engine.analyse_checked
    calls = []

    def three_fail(checked, *args):
        calls.append(1)
        if len(calls) <= 3:
            return validity.blocked(checked.issues, [validity.issue("FILTER_SUSPECTED", 0.1)])
        return measure(checked, *args)

    monkeypatch.setattr(engine, "analyse_checked", three_fail)
    result = analyse_frames(clip(tmp_path, range(30, 90)), landmarker)  # 8 of 12 sampled
    assert result.ok and result.frames_analysed == 2, codes(result)
    [few] = [issue for issue in result.quality if issue.code == "FEW_FACE_FRAMES"]
    assert few.message.startswith("Your face was clearly seen in only 5 of the 12 frames")
    assert few.value == pytest.approx(5 / 12)
