"""Video sampling and aggregation, the overlay, and the `analyze` CLI command."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from metskin.adapters.vision.video import VideoFrames
from metskin.cli import analyze
from metskin.domain.analysis.engine import analyse_frames, analyse_image
from metskin.domain.analysis.overlay import render_overlay
from tests.analysis.synthetic import astronaut


def write_video(path: Path, frames: list[np.ndarray], fps: float = 12.0) -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def face_clip(seed: int, count: int = 36) -> list[np.ndarray]:
    """A face drifting sideways; every third frame is motion-blurred."""
    rng = np.random.default_rng(seed)
    face = cv2.resize(astronaut(), (480, 480))
    frames = []
    for index in range(count):
        shift = np.float32([[1, 0, rng.integers(-12, 12)], [0, 1, rng.integers(-8, 8)]])
        frame = cv2.warpAffine(face, shift, (480, 480), borderMode=cv2.BORDER_REFLECT)
        if index % 3 == 0:
            frame = cv2.blur(frame, (15, 1))
        frames.append(frame)
    return frames


@pytest.mark.parametrize("seed", [0, 1])
def test_video_is_sampled_gated_and_aggregated(landmarker, tmp_path, seed) -> None:
    path = write_video(tmp_path / "clip.mp4", face_clip(seed))
    frames = VideoFrames(path, fps=4.0)
    assert frames.expected_frames == 12
    seen: list[tuple[str, float]] = []
    result = analyse_frames(
        frames,
        landmarker,
        progress=lambda s, f: seen.append((s, f)),
        expected_frames=frames.expected_frames,
        best_n=4,
    )
    assert result.ok and result.frames_analysed == 4
    assert [stage for stage, _ in seen][:2] == ["DECODING", "FACE_MESH"]
    assert seen[-1] == ("MEASURING", 1.0)
    for stage in ("DECODING", "FACE_MESH", "MEASURING"):
        fractions = [f for s, f in seen if s == stage]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert "BLURRY" not in {issue.code for issue in result.quality}  # blurred frames lose
    assert result.spread["frames_sampled"] == 12 and "ita_std_deg" in result.spread
    single = analyse_image(face_clip(seed)[1], landmarker)
    assert result.tone is not None and single.tone is not None
    assert abs(result.tone.ita_deg - single.tone.ita_deg) < 5
    assert result.frame is not None and result.to_dict()["frames_analysed"] == 4


def test_video_without_faces_reports_no_face(landmarker, tmp_path) -> None:
    rng = np.random.default_rng(0)
    blank = [rng.integers(0, 255, (240, 320, 3), dtype=np.uint8) for _ in range(12)]
    result = analyse_frames(VideoFrames(write_video(tmp_path / "blank.mp4", blank)), landmarker)
    assert not result.ok and result.quality[0].code == "NO_FACE"


def test_overlay_marks_the_face_only(landmarker) -> None:
    rgb = astronaut()
    result = analyse_image(rgb, landmarker)
    out = render_overlay(rgb, result)
    assert out.shape == rgb.shape and out.dtype == np.uint8
    x0, y0, x1, y1 = result.geometry.box
    changed = np.any(out != rgb, axis=2)
    assert changed[y0:y1, x0:x1].mean() > 0.02
    outside = changed.copy()
    outside[y0:y1, x0:x1] = False
    outside[:300, :520] = False  # the legend, in words ("Dark circles: none")
    assert outside.mean() < 0.001


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    analyze.register(app)

    @app.command()
    def version() -> None:  # a second command keeps typer in sub-command mode
        typer.echo("test")

    return app


def test_cli_on_a_photo_writes_json_and_overlay(app, tmp_path) -> None:
    photo = tmp_path / "face.jpg"
    cv2.imwrite(str(photo), cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    overlay = tmp_path / "overlay.png"
    run = CliRunner().invoke(app, ["analyze", str(photo), "--json", "--overlay", str(overlay)])
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["ok"] and 1 <= data["tone"]["monk"] <= 10
    assert set(data["concerns"]) == {
        "redness",
        "pigmentation",
        "acne",
        "wrinkles",
        "pores",
        "dark_circles",
        "shine",
    }
    assert overlay.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_on_a_video(app, tmp_path) -> None:
    path = write_video(tmp_path / "clip.mp4", face_clip(3, count=24))
    run = CliRunner().invoke(app, ["analyze", str(path)])
    assert run.exit_code == 0, run.output
    assert "Tone: Monk" in run.stdout


def test_cli_fails_clearly_on_unreadable_input(app, tmp_path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"this is not a jpeg")
    run = CliRunner().invoke(app, ["analyze", str(bad)])
    assert run.exit_code != 0 and "Cannot analyse bad.jpg" in run.output
    bad_video = tmp_path / "bad.mp4"
    bad_video.write_bytes(b"nope")
    assert CliRunner().invoke(app, ["analyze", str(bad_video)]).exit_code != 0


def test_cli_fails_clearly_without_a_face(app, tmp_path) -> None:
    empty = tmp_path / "wall.png"
    cv2.imwrite(str(empty), np.full((300, 300, 3), 128, dtype=np.uint8))
    run = CliRunner().invoke(app, ["analyze", str(empty)])
    assert run.exit_code != 0 and "NO_FACE" in run.output


def test_frames_are_gated_small_but_measured_at_full_size(landmarker, tmp_path) -> None:
    """The gate sees a 480 px copy; the chosen frames are measured on the full frame, so the
    geometry is in the returned frame's pixels and matches a photo analysis of that frame."""
    big = [cv2.resize(frame, (1200, 1200)) for frame in face_clip(5, count=12)]
    result = analyse_frames(
        VideoFrames(write_video(tmp_path / "big.mp4", big)), landmarker, best_n=2
    )
    assert result.ok and result.frame is not None and result.frame.shape[:2] == (1200, 1200)
    single = analyse_image(result.frame, landmarker)
    assert result.geometry is not None and single.geometry is not None
    assert np.abs(np.subtract(result.geometry.box, single.geometry.box)).max() < 12


def test_stopping_early_ends_the_decoding_thread(tmp_path) -> None:
    frames = iter(VideoFrames(write_video(tmp_path / "clip.mp4", face_clip(6)), fps=12.0))
    assert next(frames).shape == (480, 480, 3)
    frames.close()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5
    while any(t.name == "video-decode" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the decoding thread did not stop"
        time.sleep(0.01)
