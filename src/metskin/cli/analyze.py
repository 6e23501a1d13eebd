"""`metskin analyze PATH [--json] [--overlay out.png]` on a photo or a video."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import encode_png, load_image
from metskin.adapters.vision.video import VideoFrames, is_video
from metskin.domain.analysis.engine import analyse_frames, analyse_image
from metskin.domain.analysis.errors import UnreadableMedia
from metskin.domain.analysis.model import AnalysisResult
from metskin.domain.analysis.overlay import render_overlay

STAGES = ("DECODING", "FACE_MESH", "MEASURING")


def analyse_video(path: Path, landmarker: MediaPipeLandmarker, console: Console) -> AnalysisResult:
    frames = VideoFrames(path)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks = {stage: bar.add_task(stage, total=1.0) for stage in STAGES}

        def report(stage: str, fraction: float) -> None:
            bar.update(tasks[stage], completed=fraction)

        return analyse_frames(
            frames, landmarker, progress=report, expected_frames=frames.expected_frames
        )


def summary(result: AnalysisResult) -> str:
    lines = []
    if result.tone is not None:
        tone = result.tone
        lines.append(
            f"Tone: Monk {tone.monk}, ITA {tone.ita_deg:.1f}° ({tone.ita_category}, "
            f"type {tone.fitzpatrick}), undertone {tone.undertone}, "
            f"confidence {tone.confidence:.2f}"
        )
    if result.skin_type is not None:
        lines.append(f"Skin type: {result.skin_type.kind} (by {result.skin_type.decided_by})")
    for concern in result.concerns:
        worst = max(concern.regions.items(), key=lambda item: item[1], default=("-", 0.0))
        lines.append(
            f"{concern.name:<13} {concern.score:5.1f}  worst {worst[0]} "
            f"{worst[1]:.0f}  ({concern.explanation})"
        )
    for issue in result.quality:
        lines.append(f"! {issue.code}: {issue.message} {issue.guidance}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyze(
        path: Path = typer.Argument(..., help="A photo (JPEG, PNG, ...) or a video (MP4, MOV)."),
        as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
        overlay: Path | None = typer.Option(None, "--overlay", help="Write an overlay PNG here."),
    ) -> None:
        """Analyse the skin in a photo or a video."""
        console = Console(stderr=True)
        landmarker = MediaPipeLandmarker()
        try:
            if is_video(path):
                result = analyse_video(path, landmarker, console)
                image = result.frame
            else:
                image = load_image(path)
                result = analyse_image(image, landmarker)
        except UnreadableMedia as error:
            console.print(f"[red]Cannot analyse {path.name}: {error.message}[/red]")
            raise typer.Exit(code=2) from error
        finally:
            landmarker.close()
        if overlay is not None and image is not None and result.ok:
            overlay.write_bytes(encode_png(render_overlay(image, result)))
        typer.echo(json.dumps(result.to_dict(), indent=2) if as_json else summary(result))
        if not result.ok:
            blocking = ", ".join(issue.code for issue in result.quality) or "NO_FACE"
            console.print(f"[red]No analysis: {blocking}[/red]")
            raise typer.Exit(code=3)
