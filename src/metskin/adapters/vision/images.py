"""Image decoding with reduced-resolution JPEG decode."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from metskin.adapters.vision.colour_profiles import embedded_profile, to_srgb_array
from metskin.domain.analysis.errors import UnreadableMedia
from metskin.domain.i18n.marks import _

# Decode at the smallest 1/2, 1/4 or 1/8 scale whose long side still reaches this: a face in
# such a photo is still larger than the 512 px the engine measures it at.
DECODE_LONG_SIDE = 1000
# Modes of 16 (or 32) bits per sample that Pillow's convert("RGB") clips at 255 instead of
# scaling: a 16-bit greyscale PNG came out white.
WIDE_GREY_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N")
# What a transparent background becomes: white, as browsers, photo viewers and messengers show
# it (the RGB under a transparent pixel is whatever the editor left: black, or the background
# that was cut out).
BACKGROUND = (255, 255, 255)
REDUCED_DECODE = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


def reduction_for(size: tuple[int, int], long_side: int = DECODE_LONG_SIDE) -> int:
    longest = max(size)
    factor = 1
    while factor < 8 and longest // (factor * 2) >= long_side:
        factor *= 2
    return factor


def decode_image(data: bytes, *, long_side: int = DECODE_LONG_SIDE) -> np.ndarray:
    """sRGB uint8 array from encoded bytes, converted from the photo's embedded colour profile
    (`colour_profiles`); raises UnreadableMedia when they are not an image."""
    if not data:
        raise UnreadableMedia(_("The file is empty."))
    try:
        with Image.open(io.BytesIO(data)) as probe:  # the header: size and colour profile
            size, profile = probe.size, embedded_profile(probe.info)
    except (UnidentifiedImageError, OSError) as error:
        raise UnreadableMedia(_("The file is not an image we can read.")) from error
    buffer = np.frombuffer(data, dtype=np.uint8)
    bgr = cv2.imdecode(buffer, REDUCED_DECODE[reduction_for(size, long_side)])
    rgb = _decode_with_pillow(data) if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return to_srgb_array(rgb, profile)


def _decode_with_pillow(data: bytes) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    except (UnidentifiedImageError, OSError) as error:
        raise UnreadableMedia(_("The image data is damaged.")) from error


def rgb_picture(image: Image.Image) -> Image.Image:
    """A decoded picture in 8-bit RGB as it is shown: a transparent background over white, a
    16-bit greyscale scaled to 8 bits (its top byte)."""
    if image.mode == "RGB":
        return image
    if image.mode in WIDE_GREY_MODES:
        wide = np.asarray(image).astype(np.uint32)
        return Image.fromarray((np.minimum(wide, 0xFFFF) >> 8).astype(np.uint8)).convert("RGB")
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def load_image(path: Path, *, long_side: int = DECODE_LONG_SIDE) -> np.ndarray:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableMedia.translatable(_("Cannot read {name}."), name=path.name) from error
    return decode_image(data, long_side=long_side)


def encode_png(rgb: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("PNG encoding failed")
    return buffer.tobytes()


def encode_jpeg(rgb: np.ndarray, quality: int = 92) -> bytes:
    ok, buffer = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()


class PhotoCodec:
    """Photos decoded as the analysis engine decodes them (so its landmarks fit), and PNGs."""

    def decode(self, data: bytes) -> np.ndarray:
        return decode_image(data)

    def decode_frame(self, data: bytes) -> np.ndarray:
        """A stored video frame at its full size (the engine measured it so)."""
        return decode_image(data, long_side=1 << 30)

    def encode_png(self, rgb: np.ndarray) -> bytes:
        return encode_png(rgb)
