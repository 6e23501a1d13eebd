"""`metskin scrub-video-metadata`: the one-off pass that blanks the metadata (where it was
filmed, the phone's make and model; a WebM's title, recording time and tags) of the MP4, MOV
and WebM videos stored before uploads did (`domain/privacy/video_scrub.py`)."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console(stderr=True)


def scrub_video_metadata() -> None:
    """Blank where each stored MP4 or MOV video was filmed, and the phone's make and model, and
    each stored WebM's title, recording time, tags, attachments and chapters, as uploads have
    done since 2026-12-07 (videos stored before kept them). Safe to run again: a clean video is
    left as it is. Exit code 1 when some could not be read."""
    from metskin.adapters.vision.video_metadata import blank_video_metadata
    from metskin.cli.start import start_container
    from metskin.domain.privacy.video_scrub import ScrubReport, scrub_stored_videos

    def said(report: ScrubReport) -> str:
        return (
            f"MP4, MOV and WebM videos: {report.videos}; scrubbed: {report.scrubbed}, already "
            f"clean: {report.clean}, deleted meanwhile: {report.gone}, unreadable: "
            f"{len(report.unreadable)}"
        )

    container = start_container(logs=False)  # the storage keys and database `serve` uses
    try:
        report = scrub_stored_videos(
            container.new_uow,
            container.storage,
            blank_video_metadata,
            progress=lambda so_far: console.print(f"so far {said(so_far)}"),
        )
    finally:
        container.close()
    console.print(said(report))
    if report.unreadable:
        console.print(
            "[red]Unreadable (a storage key missing from METSKIN_STORAGE_KEYS, or a damaged "
            f"object), left as they were: {', '.join(report.unreadable)}"
        )
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("scrub-video-metadata")(scrub_video_metadata)
