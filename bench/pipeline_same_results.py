"""Fingerprints of what the pipeline stores and measures for London photos, to diff two trees.

    PYTHONPATH=<tree>/src .venv/bin/python bench/pipeline_same_results.py [count] > <tree>.txt
    diff before.txt after.txt   # no output: the same stored bytes and the same results

Each photo goes through the upload's `prepare_photo` (the bytes stored) and the worker's
`VisionEngine.run` on those bytes; printed per photo: the SHA-256 of the stored bytes, of
the result JSON (keys sorted) and of the stored overlay (its JPEG bytes).
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from metskin.adapters.vision.engine import VisionEngine
from metskin.adapters.vision.ingest import prepare_photo
from metskin.domain.analysis.media import JPEG, MediaLimits
from metskin.domain.analysis.records import Media, MediaKind

LONDON = Path(__file__).resolve().parents[1].parent / "shared/data/london-faces"


def media_of(stored: bytes) -> Media:
    """The media record the worker would hand the engine with these stored bytes."""
    return Media(
        id="m",
        owner_id="o",
        kind=MediaKind.PHOTO,
        content_type="image/jpeg",
        size_bytes=len(stored),
        width=0,
        height=0,
        storage_name="uploads/m/original.jpg",
        thumbnail_name="uploads/m/thumbnail.jpg",
        key_id="",
        sha256="",
        created_at=datetime.now(UTC),
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    engine = VisionEngine()
    for path in sorted(LONDON.glob("*.jpg"))[:count]:
        stored = prepare_photo(path.read_bytes(), JPEG, MediaLimits()).data
        output = engine.run(media_of(stored), stored, lambda _stage, _fraction: None, None)
        digest = hashlib.sha256(json.dumps(output.result, sort_keys=True).encode()).hexdigest()
        overlay = hashlib.sha256(output.overlay_jpeg or b"").hexdigest()
        print(path.name, hashlib.sha256(stored).hexdigest()[:16], digest[:16], overlay[:16])


if __name__ == "__main__":
    main()
