"""Bad uploads derived from a real photo: truncated, bit-flipped, zero-length, huge dimensions in
the header, polyglots, wrong extensions, junk behind a real magic number, declared kind wrong.

Seeded: `bad_upload(rng, sources)` returns (variant name, bytes, file name, declared kind).
"""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.media_samples import encode, face_jpeg, png_claiming_size

Variant = tuple[bytes, str, str | None]  # data, file name, declared kind
MAGIC = [
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypisom",
    b"\x00\x00\x00\x18ftypheic",
    b"\x00\x00\x00\x14ftypqt  ",
    b"\x1aE\xdf\xa3",
    b"GIF89a",
    b"%PDF-1.4",
]
NAMES = ["face.jpg", "face.png", "face.mp4", "face.exe", "face", "../../etc/passwd", "x.html"]
NAMES += ["face.JPG", "a" * 300 + ".jpg", "fa\u0000ce.jpg", "\U0001f9b4.webp"]


def sources(london: Path, side: int = 384) -> dict[str, dict[str, bytes]]:
    """The photos the variants start from, as JPEG, PNG and WebP: the first London face when
    the data set is there, and the astronaut photo that ships with scikit-image."""
    images = {"astronaut": Image.open(io.BytesIO(face_jpeg(side)))}
    faces = sorted(london.glob("*.jpg")) if london.is_dir() else []
    if faces:
        with Image.open(faces[0]) as face:
            images["london"] = face.convert("RGB").resize((side, side))
    return {
        name: {
            "jpeg": encode(image, "JPEG", quality=90),
            "png": encode(image, "PNG"),
            "webp": encode(image, "WEBP", quality=80),
        }
        for name, image in images.items()
    }


def _flip(rng: random.Random, data: bytes, near_start: bool) -> bytes:
    out = bytearray(data)
    end = min(len(out), 700) if near_start else len(out)
    for _ in range(rng.randint(1, 64)):
        out[rng.randrange(end)] ^= 1 << rng.randrange(8)
    return bytes(out)


def _jpeg_dimensions(data: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header (SOF0/SOF2) claiming another size."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at >= 0:
            return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]
    return data


def _variants(rng: random.Random, photo: dict[str, bytes]) -> dict[str, Callable[[], bytes]]:
    jpeg = photo["jpeg"]
    any_format = rng.choice(list(photo.values()))
    huge = rng.choice([0, 1, 65_535, 65_500, 40_000])
    return {
        "truncated": lambda: any_format[: rng.randrange(len(any_format))],
        "zero-length": lambda: b"",
        "bit-flipped": lambda: _flip(rng, any_format, near_start=False),
        "header bit-flipped": lambda: _flip(rng, any_format, near_start=True),
        "huge JPEG header": lambda: _jpeg_dimensions(jpeg, huge, rng.choice([huge, 384])),
        "huge PNG header": lambda: png_claiming_size(
            rng.choice([huge, 2**31 - 1, 100_000]), rng.choice([huge, 2**31 - 1, 1])
        ),
        "polyglot": lambda: rng.choice(
            [
                jpeg + b"PK\x03\x04" + bytes(rng.randbytes(200)),
                b"GIF89a" + jpeg,
                jpeg + b"<html><script>alert(1)</script></html>",
                MAGIC[1] + jpeg,
                b"\x00\x00\x00\x18ftypisom" + jpeg,
                jpeg + photo["png"],
            ]
        ),
        "junk behind magic": lambda: rng.choice(MAGIC) + rng.randbytes(rng.randint(0, 5000)),
        "doubled": lambda: any_format + any_format,
        "tiny": lambda: encode(Image.new("RGB", (rng.randint(1, 16), rng.randint(1, 16))), "PNG"),
        "valid, wrong name or kind": lambda: any_format,
    }


def bad_upload(
    rng: random.Random, photos: dict[str, dict[str, bytes]]
) -> tuple[str, bytes, str, str | None]:
    """One bad upload: (variant, data, file name, declared kind)."""
    source = rng.choice(sorted(photos))
    variants = _variants(rng, photos[source])
    name = rng.choice(sorted(variants))
    kind = rng.choice([None, None, None, "PHOTO", "VIDEO"])
    if name == "valid, wrong name or kind":
        kind = rng.choice(["VIDEO", None])
    return f"{source}: {name}", variants[name](), rng.choice(NAMES), kind
