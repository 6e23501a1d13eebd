"""AVIF and HEIC uploads of the London faces at several qualities, through the upload
(`prepare_photo`) and the engine adapter (`VisionEngine.run`), as a person's photo goes.

    PYTHONPATH=src:. .venv/bin/python bench/compressed_uploads.py [STEP] [COUNT]  # ~25 min at 3

(every STEP-th face, the first COUNT of those when given)

Per file kind: the encoder's quantiser (AV1 base_q_idx, HEVC QP), bits per pixel, and how many
faces the result names FILTER_SUSPECTED, COMPRESSED, or refuses. ffmpeg's libaom runs at its
default speed (slow: most of the time); without ffmpeg its rows are left out. Figures:
docs/reliability.md, "Compressed AVIF and HEIC named ..." (2026-12-06, sixth session).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pillow_heif
from PIL import Image
from tests.analysis.degrade import VARIANTS
from tests.analysis.london import LONDON

from metskin.adapters.vision.coding_note import read_coding
from metskin.adapters.vision.engine import VisionEngine
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.adapters.vision.ingest import prepare_photo
from metskin.domain.analysis.media import AVIF, HEIC, MediaLimits, MediaType
from metskin.domain.analysis.records import Media, MediaKind

Encode = Callable[[Image.Image, Path], bytes]


def avif(quality: int) -> Encode:
    def encode(image: Image.Image, _path: Path) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format="AVIF", quality=quality)
        return buffer.getvalue()

    return encode


def heic(quality: int) -> Encode:
    def encode(image: Image.Image, _path: Path) -> bytes:
        buffer = io.BytesIO()
        pillow_heif.from_pillow(image).save(buffer, format="HEIF", quality=quality)
        return buffer.getvalue()

    return encode


def libaom(crf: int) -> Encode:
    def encode(_image: Image.Image, path: Path) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "x.avif"
            command = ["ffmpeg", "-v", "error", "-y", "-i", str(path), "-c:v", "libaom-av1"]
            subprocess.run([*command, "-crf", str(crf), str(out)], check=True)
            return out.read_bytes()

    return encode


KINDS: dict[str, tuple[Encode, MediaType]] = {
    **{f"AVIF, quality {q}": (avif(q), AVIF) for q in (90, 75, 60, 50, 40, 30)},
    **{f"AVIF, ffmpeg crf {c}": (libaom(c), AVIF) for c in (20, 30, 40)},
    **{f"HEIC, quality {q}": (heic(q), HEIC) for q in (90, 75, 50, 45, 40, 30)},
}


def main(step: int) -> None:
    landmarker = MediaPipeLandmarker()
    engine = VisionEngine(landmarker)
    kinds = {k: v for k, v in KINDS.items() if "ffmpeg" not in k or shutil.which("ffmpeg")}
    rows: dict[str, list[tuple[int | None, float, set[str], bool]]] = defaultdict(list)
    paths = sorted(LONDON.glob("*.jpg"))[::step][: int(sys.argv[2]) if len(sys.argv) > 2 else None]
    for path in paths:
        image = Image.open(path).convert("RGB")
        rgb = load_image(path)
        smoothed = VARIANTS["beauty filter"](rgb, landmarker.detect(rgb)[0], 7)
        cases = {name: (encode(image, path), kind) for name, (encode, kind) in kinds.items()}
        cases["AVIF q90 of a beauty filter"] = (avif(90)(Image.fromarray(smoothed), path), AVIF)
        for name, (data, kind) in cases.items():
            prepared = prepare_photo(data, kind, MediaLimits())
            media = Media(
                "m", "p", MediaKind.PHOTO, "image/jpeg", len(prepared.data), prepared.width,
                prepared.height, "u/m/o.jpg", "u/m/t.jpg", "k", "s", datetime.now(UTC),
            )  # fmt: skip
            result = engine.run(media, prepared.data, lambda *_: None, None).result
            coding = read_coding(prepared.data)
            codes = {item["code"] for item in result["quality"]}
            bpp = len(data) * 8 / (prepared.width * prepared.height)
            rows[name].append((coding and coding.quantiser, bpp, codes, result["ok"]))
    engine.close()
    print(f"{len(paths)} London faces\n")
    print("| file | quantiser | bits per pixel | FILTER_SUSPECTED | COMPRESSED | refused |")
    print("|---|---|---|---|---|---|")
    for name, found in rows.items():
        quantisers = sorted({str(q) for q, *_ in found})
        bpps = [bpp for _, bpp, _, _ in found]
        filtered = sum("FILTER_SUSPECTED" in codes for _, _, codes, _ in found)
        named = sum("COMPRESSED" in codes for _, _, codes, _ in found)
        refused = sum(not ok for *_, ok in found)
        print(
            f"| {name} | {', '.join(quantisers)} | {min(bpps):.2f}-{max(bpps):.2f} "
            f"| {filtered} | {named} | {refused} |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
