"""The image files phones, browsers and messengers make, built from one London face (the
astronaut without the data set), through the upload (`MediaService.upload`'s sniff and
`prepare_photo`) and the engine adapter (`VisionEngine.run`), as a person's file goes.

    PYTHONPATH=src:. .venv/bin/python bench/upload_formats.py [FACE]  # ~1 min; FACE: "001"

Per file: what the upload said (a code, or the stored JPEG's size), whether the stored photo is
the upright picture (the mean difference from it, 0-255, at 64 x 64), its skin's mean colour
against the photo as taken, and the analysis's quality codes (blocking ones starred). Figures:
docs/reliability.md, "Every image file a phone, browser or messenger makes" (2026-12-06,
seventh session).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from PIL import Image, ImageCms, ImageOps
from PIL.PngImagePlugin import PngInfo
from tests.analysis.london import LONDON
from tests.media_profiles import DISPLAY_P3
from tests.media_samples import portrait_jpeg

from metskin.adapters.vision.engine import VisionEngine
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import decode_image
from metskin.adapters.vision.ingest import prepare_photo
from metskin.domain.analysis.media import MediaLimits, sniff
from metskin.domain.analysis.records import Media, MediaKind
from metskin.domain.errors import DomainError

Make = Callable[[Image.Image], bytes]
ORIENTATIONS = {  # EXIF orientation: how the camera stored the upright picture
    2: ImageOps.mirror,
    3: lambda image: image.transpose(Image.Transpose.ROTATE_180),
    4: ImageOps.flip,
    5: lambda image: image.transpose(Image.Transpose.TRANSPOSE),
    6: lambda image: image.transpose(Image.Transpose.ROTATE_90),
    7: lambda image: image.transpose(Image.Transpose.TRANSVERSE),
    8: lambda image: image.transpose(Image.Transpose.ROTATE_270),
}


def saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def exif(orientation: int) -> bytes:
    found = Image.Exif()
    found[0x0112] = orientation
    return found.tobytes()


def turned(orientation: int, fmt: str, **options: object) -> Make:
    def make(image: Image.Image) -> bytes:
        stored = ORIENTATIONS[orientation](image)
        return saved(stored, fmt, exif=exif(orientation), **options)

    return make


def cut_out(image: Image.Image, background: int) -> Image.Image:
    """The face with its background removed (an ellipse around the head kept), as a phone's
    "lift subject" or a background remover saves it: RGBA, the background's RGB `background`."""
    width, height = image.size
    y, x = np.mgrid[:height, :width]
    inside = ((x - width / 2) / (0.36 * width)) ** 2 + ((y - height * 0.48) / (0.5 * height)) ** 2
    rgba = np.dstack([np.asarray(image), np.full((height, width), 255, np.uint8)])
    rgba[inside > 1] = (background, background, background, 0)
    return Image.fromarray(rgba, "RGBA")


def animated(fmt: str, **options: object) -> Make:
    def make(image: Image.Image) -> bytes:
        frames = [image, ImageOps.mirror(image), image.rotate(10)]
        return saved(frames[0], fmt, save_all=True, append_images=frames[1:], **options)

    return make


def sixteen_bit(image: Image.Image) -> bytes:
    """A 16-bit RGB PNG (a raw developer's or a scanner's), written by OpenCV."""
    import cv2

    rgb16 = np.asarray(image, np.uint16) * 257
    ok, buffer = cv2.imencode(".png", cv2.cvtColor(rgb16, cv2.COLOR_RGB2BGR))
    assert ok
    return buffer.tobytes()


def cicp(primaries: int, transfer: int) -> PngInfo:
    info = PngInfo()
    info.add(b"cICP", bytes((primaries, transfer, 0, 1)))
    return info


GREY_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()

FILES: dict[str, Make] = {
    "JPEG q92 (as taken)": lambda image: saved(image, "JPEG", quality=92),
    "JPEG progressive": lambda image: saved(image, "JPEG", quality=92, progressive=True),
    "JPEG CMYK (Adobe)": lambda image: saved(image.convert("CMYK"), "JPEG", quality=92),
    "JPEG greyscale": lambda image: saved(image.convert("L"), "JPEG", quality=92),
    **{f"JPEG EXIF orientation {o}": turned(o, "JPEG", quality=92) for o in ORIENTATIONS},
    "JPEG Display P3": lambda image: saved(image, "JPEG", quality=92, icc_profile=DISPLAY_P3),
    "JPEG with a Lab ICC": lambda image: saved(image, "JPEG", quality=92, icc_profile=GREY_ICC),
    "JPEG with a broken ICC": lambda image: saved(
        image, "JPEG", quality=92, icc_profile=DISPLAY_P3[:200]
    ),
    "PNG 8-bit RGB": lambda image: saved(image, "PNG"),
    "PNG 16-bit RGB": sixteen_bit,
    "PNG 16-bit grey": lambda image: saved(
        Image.fromarray(np.asarray(image.convert("L"), np.uint16) * 257), "PNG"
    ),
    "PNG palette": lambda image: saved(image.quantize(256), "PNG"),
    "PNG palette, transparent background": lambda image: saved(
        cut_out(image, 0).quantize(255), "PNG"
    ),
    "PNG RGBA, background cut out (black under it)": lambda image: saved(cut_out(image, 0), "PNG"),
    "PNG RGBA, background cut out (white under it)": lambda image: saved(
        cut_out(image, 255), "PNG"
    ),
    "PNG grey + alpha": lambda image: saved(image.convert("LA"), "PNG"),
    "PNG animated (APNG)": animated("PNG"),
    "PNG eXIf orientation 6": turned(6, "PNG"),
    "PNG eXIf orientation 2": turned(2, "PNG"),
    "PNG iCCP Display P3": lambda image: saved(image, "PNG", icc_profile=DISPLAY_P3),
    "PNG cICP Display P3": lambda image: saved(image, "PNG", pnginfo=cicp(12, 13)),
    "WebP lossy q80": lambda image: saved(image, "WEBP", quality=80),
    "WebP lossy q30": lambda image: saved(image, "WEBP", quality=30),
    "WebP lossless": lambda image: saved(image, "WEBP", lossless=True),
    "WebP lossy, background cut out": lambda image: saved(cut_out(image, 0), "WEBP", quality=80),
    "WebP animated": animated("WEBP", quality=80),
    "WebP EXIF orientation 6": turned(6, "WEBP", quality=80),
    "WebP EXIF orientation 3": turned(3, "WEBP", quality=80),
    "WebP Display P3": lambda image: saved(image, "WEBP", quality=80, icc_profile=DISPLAY_P3),
    "GIF": lambda image: saved(image, "GIF"),
    "GIF animated": animated("GIF"),
    "BMP": lambda image: saved(image, "BMP"),
    "TIFF": lambda image: saved(image, "TIFF"),
}


def upright_difference(stored: bytes, upright: Image.Image) -> float:
    found = Image.open(io.BytesIO(stored)).convert("RGB")
    if found.size != upright.size:
        return float("inf")
    small = [np.asarray(i.resize((64, 64)), np.float64) for i in (found, upright)]
    return float(np.abs(small[0] - small[1]).mean())


def centre_colour(rgb: np.ndarray) -> np.ndarray:
    """The mean colour of the middle ninth of the picture (the face's cheeks and nose)."""
    height, width = rgb.shape[:2]
    return rgb[height // 3 : 2 * height // 3, width // 3 : 2 * width // 3].reshape(-1, 3).mean(0)


def main(face: str) -> None:
    path = LONDON / f"{face}_03.jpg"
    source = path.read_bytes() if path.exists() else portrait_jpeg(640)
    upright = Image.open(io.BytesIO(source)).convert("RGB")
    taken = centre_colour(np.asarray(upright))
    engine = VisionEngine(MediaPipeLandmarker())
    print("| file | upload | stored upright (mean diff) | centre colour moved | analysis |")
    print("|---|---|---|---|---|")
    for name, make in FILES.items():
        data = make(upright)
        kind = sniff(data[:32])
        if kind is None:
            print(f"| {name} | not sniffed: UNSUPPORTED_MEDIA | | | |")
            continue
        try:
            prepared = prepare_photo(data, kind, MediaLimits())
        except DomainError as error:
            print(f"| {name} | {error.code}: {error.message} | | | |")
            continue
        except Exception as error:  # what a person would get as a 500
            print(f"| {name} | CRASH {type(error).__name__}: {error} | | | |")
            continue
        difference = upright_difference(prepared.data, upright)
        moved = centre_colour(decode_image(prepared.data, long_side=1 << 30)) - taken
        media = Media(
            "m", "p", MediaKind.PHOTO, "image/jpeg", len(prepared.data), prepared.width,
            prepared.height, "u/m/o.jpg", "u/m/t.jpg", "k", "s", datetime.now(UTC),
        )  # fmt: skip
        result = engine.run(media, prepared.data, lambda *_: None, None).result
        told = ", ".join(
            item["code"] + ("*" if item.get("blocking") else "") for item in result["quality"]
        )
        print(
            f"| {name} | stored {prepared.width} x {prepared.height} | {difference:.1f} "
            f"| {' '.join(f'{v:+.0f}' for v in moved)} | {told or 'ok'} |"
        )
    engine.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "001")
