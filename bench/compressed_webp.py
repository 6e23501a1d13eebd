"""Lossy WebP uploads of the London faces at qualities 10-95 (Pillow's libwebp), through the
upload (`prepare_photo`) and the engine adapter (`VisionEngine.run`), as a person's photo goes,
next to each file's JPEG equivalent: the JPEG of the same face whose PSNR against the photo as
taken is the WebP's (the JPEG quality found by bisection), uploaded and analysed the same way.

    PYTHONPATH=src:. .venv/bin/python bench/compressed_webp.py [STEP] [COUNT]  # ~15 min at 3

(every STEP-th face, the first COUNT of those when given)

Per quality: the VP8 quantiser read at upload (`vp8_quantiser`, 0-127), bits per pixel, the
equivalent JPEG's quality and how many of those JPEGs the engine names COMPRESSED (JPEG's grid,
`compression.blockiness`); then the WebP itself before the quantiser was used (its stored JPEG
without the coding note: FILTER_SUSPECTED, COMPRESSED by the grid) and as uploaded now
(COMPRESSED, refused). Figures: docs/benchmarks.md, "Compressed WebP named".
"""

from __future__ import annotations

import io
import struct
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image
from tests.analysis.london import LONDON

from metskin.adapters.vision.coding_note import PREFIX, read_coding
from metskin.adapters.vision.engine import VisionEngine
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.ingest import prepare_photo
from metskin.domain.analysis.media import JPEG, WEBP, MediaLimits, MediaType
from metskin.domain.analysis.records import Media, MediaKind

QUALITIES = (10, 20, 30, 40, 50, 60, 65, 70, 75, 80, 85, 90, 95)


def encoded(image: Image.Image, fmt: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=quality)
    return buffer.getvalue()


def psnr(data: bytes, reference: np.ndarray) -> float:
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float64)
    return float(10 * np.log10(255**2 / max(np.mean((pixels - reference) ** 2), 1e-9)))


def jpeg_equivalent(image: Image.Image, reference: np.ndarray, target: float) -> int:
    """The lowest JPEG quality whose PSNR reaches `target` (PSNR rises with the quality)."""
    low, high = 5, 100
    while low < high:
        middle = (low + high) // 2
        if psnr(encoded(image, "JPEG", middle), reference) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def without_note(jpeg: bytes) -> bytes:
    """The stored JPEG as it was before the quantiser was kept: its COM note removed."""
    at = jpeg.find(PREFIX) - 4
    if at < 0:
        return jpeg
    length = struct.unpack_from(">H", jpeg, at + 2)[0]
    return jpeg[:at] + jpeg[at + 2 + length :]


Outcome = tuple[set[str], bool, tuple[float, float]]


def codes(engine: VisionEngine, data: bytes, kind: MediaType) -> tuple[Outcome, bytes]:
    prepared = prepare_photo(data, kind, MediaLimits())
    return analysed(engine, prepared.data, prepared.width, prepared.height), prepared.data


def analysed(engine: VisionEngine, data: bytes, width: int, height: int) -> Outcome:
    """The quality codes, whether a result is given, and the pores and lines scores (NaN when
    none)."""
    media = Media(
        "m", "p", MediaKind.PHOTO, "image/jpeg", len(data), width, height, "u/m/o.jpg",
        "u/m/t.jpg", "k", "s", datetime.now(UTC),
    )  # fmt: skip
    result = engine.run(media, data, lambda *_: None, None).result
    concerns = result.get("concerns") or {}
    scores = tuple(
        float((concerns.get(name) or {}).get("score", np.nan)) for name in ("pores", "wrinkles")
    )
    return {item["code"] for item in result["quality"]}, bool(result["ok"]), scores  # type: ignore[return-value]


def moved(scores: tuple[float, float], taken: tuple[float, float]) -> tuple[float, float]:
    return scores[0] - taken[0], scores[1] - taken[1]


def main(step: int, count: int | None) -> None:
    engine = VisionEngine(MediaPipeLandmarker())
    rows: dict[int, list[dict[str, object]]] = defaultdict(list)
    paths: list[Path] = sorted(LONDON.glob("*.jpg"))[::step][:count]
    for path in paths:
        image = Image.open(path).convert("RGB")
        reference = np.asarray(image, dtype=np.float64)
        (_, _, taken), _ = codes(engine, path.read_bytes(), JPEG)
        for quality in QUALITIES:
            webp = encoded(image, "WEBP", quality)
            (now, ok, _), stored = codes(engine, webp, WEBP)
            size = Image.open(io.BytesIO(stored)).size
            before, _, scores = analysed(engine, without_note(stored), *size)
            equivalent = jpeg_equivalent(image, reference, psnr(webp, reference))
            (jpeg, _, jpeg_scores), _ = codes(engine, encoded(image, "JPEG", equivalent), JPEG)
            coding = read_coding(stored)
            rows[quality].append(
                {
                    "q": coding and coding.quantiser,
                    "bpp": len(webp) * 8 / (image.width * image.height),
                    "jpeg q": equivalent,
                    "jpeg named": "COMPRESSED" in jpeg,
                    "filtered before": "FILTER_SUSPECTED" in before,
                    "grid before": "COMPRESSED" in before,
                    "named": "COMPRESSED" in now,
                    "refused": not ok,
                    "webp moved": moved(scores, taken),
                    "jpeg moved": moved(jpeg_scores, taken),
                }
            )
        print(path.name, file=sys.stderr, flush=True)
    engine.close()
    print(f"{len(paths)} London faces (every {step}th), 640 x 640, Pillow {Image.__version__}\n")
    print(
        "| WebP quality | VP8 quantiser | bits per pixel | JPEG equivalent (PSNR) | "
        "that JPEG named | before: FILTER_SUSPECTED / COMPRESSED (grid) | now: COMPRESSED "
        "| now: refused | pores, lines moved: WebP | JPEG equivalent |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for quality, found in rows.items():
        quantisers = [int(row["q"]) for row in found if row["q"] is not None]  # type: ignore[call-overload]
        bpp = [float(row["bpp"]) for row in found]  # type: ignore[arg-type]
        jpegs = sorted(int(row["jpeg q"]) for row in found)  # type: ignore[call-overload]

        def count(key: str, rows: list[dict[str, object]] = found) -> int:
            return sum(bool(row[key]) for row in rows)

        print(
            f"| {quality} | {min(quantisers)}-{max(quantisers)} | {min(bpp):.2f}-{max(bpp):.2f} "
            f"| q{jpegs[len(jpegs) // 2]} ({jpegs[0]}-{jpegs[-1]}) | {count('jpeg named')} "
            f"| {count('filtered before')} / {count('grid before')} | {count('named')} "
            f"| {count('refused')} | {spread(found, 'webp moved')} "
            f"| {spread(found, 'jpeg moved')} |"
        )


def spread(rows: list[dict[str, object]], key: str) -> str:
    """The median and the 90th percentile of the absolute change of pores, then of lines."""
    changes = np.array([row[key] for row in rows], dtype=np.float64)
    parts = []
    for column in changes.T:
        column = column[~np.isnan(column)]
        if not column.size:
            parts.append("-")
            continue
        parts.append(f"{np.median(column):+.1f} / {np.percentile(np.abs(column), 90):.1f}")
    return ", ".join(parts)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 3,
        int(sys.argv[2]) if len(sys.argv) > 2 else None,
    )
