"""Upload validation and sanitising: a plain upright JPEG loses its metadata segments without
being re-encoded (`jpeg_segments`), other photos are re-encoded without metadata; videos probed.
A colour profile other than sRGB is kept (`colour_profiles`: the decodes convert from it); a
HEIC that describes its colours by nclx numbers instead gets the equivalent ICC profile."""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from metskin.adapters.vision.coding_note import note, upload_coding
from metskin.adapters.vision.colour_profiles import embedded_profile, is_srgb, png_cicp_profile
from metskin.adapters.vision.images import decode_image, rgb_picture
from metskin.adapters.vision.images import encode_jpeg as encode_rgb_jpeg
from metskin.adapters.vision.jpeg_segments import StrippedJpeg, strip_jpeg, with_icc_profile
from metskin.adapters.vision.video import frame_count, open_video
from metskin.adapters.vision.video_colour import FrameDecoder
from metskin.adapters.vision.video_metadata import blank_video_metadata
from metskin.adapters.vision.video_tags import read_colour, sound_only
from metskin.domain.analysis.errors import (
    CorruptMedia,
    MediaTooLarge,
    MediaTooLong,
    UnsupportedMedia,
)
from metskin.domain.analysis.media import JPEG, MediaLimits, MediaType
from metskin.domain.analysis.ports import PreparedMedia
from metskin.domain.analysis.records import MediaKind
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import number

pillow_heif.register_heif_opener()

PHOTO_QUALITY = 92
THUMBNAIL_SIDE = 320
# What Pillow must find in a file of each type (a HEIF file branded `mif1` may hold AV1: AVIF).
PIL_FORMATS = {
    "image/jpeg": ("JPEG",),
    "image/png": ("PNG",),
    "image/webp": ("WEBP",),
    "image/heic": ("HEIF", "AVIF"),
    "image/avif": ("AVIF",),
}
# Markup, scripts and documents hidden in an image make it a polyglot.
POLYGLOT_MARKERS = (b"<script", b"<html", b"<?php", b"<svg", b"<!doctype", b"%pdf-")
ZIP_END_RECORD = b"PK\x05\x06"
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError)
# What an upload the checks refuse is told, translated whole (`{...}`: numbers put in, a
# `Decimal` in the language's way: "2,5 s"; a measure over its limit rounded up).
SO_MANY_PIXELS = _(
    "The photo has {count} megapixels; the limit is {limit}. Take it at the camera's usual "
    "resolution (12 megapixels is plenty)."
)
TOO_MANY_PIXELS = _(
    "The photo has too many megapixels; the limit is {limit}. Take it at the camera's usual "
    "resolution (12 megapixels is plenty)."
)
UNDECODABLE = _("The video's frames cannot be decoded.")
VIDEO_TOO_BIG = _("The video is {width}x{height}; the largest side may be {limit}.")
VIDEO_TOO_LONG = _("The video lasts {seconds} s; keep it under {limit} s.")
VIDEO_OVER = _("The video lasts more than {limit} s; keep it under {limit} s.")
SOUND_ONLY = _(
    "This file has sound but no picture (a voice memo or a song). Upload a video of your "
    "face, or a photo."
)


class MediaPreparerAdapter:
    """The MediaPreparer port: Pillow (+ pillow-heif) for photos, OpenCV for videos."""

    def prepare(self, data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
        if media_type.kind is MediaKind.PHOTO:
            return prepare_photo(data, media_type, limits)
        return prepare_video(data, media_type, limits)


def reject_polyglots(data: bytes) -> None:
    if has_polyglot_marker(data) or data[-22:-18] == ZIP_END_RECORD:
        raise UnsupportedMedia(
            _(
                "The file carries other content besides the picture; "
                "export it again as a plain photo."
            ),
            field="file",
        )


def has_polyglot_marker(data: bytes) -> bool:
    """Whether a polyglot marker occurs, ASCII letters in any case (as `marker in data.lower()`
    for each): the bytes that can start one are found in one vectorised pass, then each marker's
    next bytes are compared at those places only (a photo has about 1 in 128 of them)."""
    view = np.frombuffer(data, dtype=np.uint8)
    starts = np.flatnonzero((view == ord("<")) | (view == ord("%")))
    for marker in POLYGLOT_MARKERS:
        places = starts[(view[starts] == marker[0]) & (starts <= len(view) - len(marker))]
        for offset, byte in enumerate(marker[1:], start=1):
            if not places.size:
                break
            found = view[places + offset]
            places = places[(found | 0x20 if chr(byte).isalpha() else found) == byte]
        if places.size:
            return True
    return False


def prepare_photo(data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
    reject_polyglots(data)
    stripped = strip_jpeg(data, limits.max_pixels) if media_type == JPEG else None
    if stripped is not None:
        return _prepare_stripped(stripped)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        rgb, profile, image_format = _decode_photo(data, media_type, limits)
    # An AVIF's quantiser goes with it (`coding_note`): its stored JPEG no longer shows it.
    coding = upload_coding(data, image_format)
    # Its thumbnail too is made from the stored photo's first decode (the analysis's 1/4-scale
    # one: 3-4 ms, where resizing this full-size decode cost 15-20 ms on 12 MP).
    return PreparedMedia(
        media_type=JPEG,
        data=encode_jpeg(
            rgb,
            PHOTO_QUALITY,
            None if is_srgb(profile) else profile,
            None if coding is None else note(coding),
        ),
        thumbnail_jpeg=None,
        width=rgb.width,
        height=rgb.height,
    )


def _prepare_stripped(stripped: StrippedJpeg) -> PreparedMedia:
    """The stripped JPEG as stored, not decoded here: its structure was checked up to the end
    marker; its entropy-coded data is read by its first decode (the analysis's, which fails
    with CORRUPT_MEDIA on a damaged one, or the first request for the thumbnail). A colour
    profile other than sRGB goes back in (an iPhone's Display P3)."""
    profile = stripped.icc_profile
    return PreparedMedia(
        media_type=JPEG,
        data=stripped.data
        if profile is None or is_srgb(profile)
        else with_icc_profile(stripped.data, profile),
        thumbnail_jpeg=None,
        width=stripped.width,
        height=stripped.height,
    )


def photo_thumbnail(data: bytes) -> bytes:
    """A stored photo's thumbnail from a decode at 1/2 to 1/8 scale; UnreadableMedia when the
    photo cannot be decoded."""
    return thumbnail_of_rgb(decode_image(data, long_side=THUMBNAIL_SIDE))


def thumbnail_of_rgb(rgb: np.ndarray) -> bytes:
    """The one thumbnail maker (photos and videos): long side at most THUMBNAIL_SIDE, an area
    resize, JPEG q80 (OpenCV: 2-3x faster than Pillow's reduce + thumbnail + encode)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, THUMBNAIL_SIDE / max(width, height))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if 0.25 <= scale < 0.5:
            # OpenCV's area resize by a fraction (an analysed photo's 1000 px: 1.9 ms) costs
            # 4x a bilinear resize to twice the size (a reduction by at most 2: no aliasing
            # to speak of) and an area resize by exactly 2 (0.4 ms in all; pixels within ~0.3)
            twice = (size[0] * 2, size[1] * 2)
            rgb = cv2.resize(rgb, twice, interpolation=cv2.INTER_LINEAR)
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return encode_rgb_jpeg(rgb, 80)


def _decode_photo(
    data: bytes, media_type: MediaType, limits: MediaLimits
) -> tuple[Image.Image, bytes | None, str | None]:
    """The upright RGB picture as it is shown (`rgb_picture`: an animation's first frame, a
    transparent background white, 16-bit grey in 8 bits), its colour profile (None: none) and
    the format Pillow read."""
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
        width, height = image.size
        if width * height > limits.max_pixels:
            raise too_many_pixels(limits, width * height)
        if image.format not in PIL_FORMATS[media_type.content_type]:
            raise UnsupportedMedia(_("The file's content does not match its type."), field="file")
        image.load()  # full decode: a truncated or damaged file fails here
        ImageOps.exif_transpose(image, in_place=True)  # no copy of an upright photo
        profile = png_cicp_profile(data) if image.format == "PNG" else None
        return rgb_picture(image), profile or embedded_profile(image.info), image.format
    except (MediaTooLarge, UnsupportedMedia):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels(limits, None) from error
    except DECODE_ERRORS as error:
        raise CorruptMedia(
            _("The photo is damaged or incomplete; upload it again."), field="file"
        ) from error


def too_many_pixels(limits: MediaLimits, pixels: int | None) -> MediaTooLarge:
    """`pixels`: as many as the photo's header says (None: too many to say)."""
    limit = number(limits.max_pixels / 1e6, 2)
    if pixels is None:
        return MediaTooLarge.translatable(TOO_MANY_PIXELS, "file", limit=limit)
    return MediaTooLarge.translatable(
        SO_MANY_PIXELS, "file", count=number(pixels / 1e6, up=True), limit=limit
    )


def encode_jpeg(
    image: Image.Image, quality: int, icc_profile: bytes | None = None, comment: bytes | None = None
) -> bytes:
    """No EXIF, XMP or GPS; the colour profile and a comment (`coding_note`) when given."""
    buffer = io.BytesIO()
    options: dict[str, bytes] = {} if icc_profile is None else {"icc_profile": icc_profile}
    if comment is not None:
        options["comment"] = comment
    image.save(buffer, format="JPEG", quality=quality, **options)
    return buffer.getvalue()


@contextmanager
def temporary_file(data: bytes, suffix: str) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(suffix=suffix, prefix="metskin-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def prepare_video(data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
    # no location, make, model, title or recording time kept (MP4, QuickTime, WebM); before
    # the probe: what is stored is what was read
    data = blank_video_metadata(data)
    with temporary_file(data, f".{media_type.extension}") as path:
        capture = open_video(path)
        try:
            width, height, fps, frames = _probe_picture(capture, path)
            if frames is None:  # no length in the file (a browser's own recording): counted
                frames = _count_frames(capture, fps, limits.max_video_seconds)
                capture.release()
                capture = open_video(path)
            duration = frames / fps
            _check_video(width, height, duration, limits)
            to_rgb = FrameDecoder(read_colour(path))
            frame = _middle_frame(capture, duration, frames, to_rgb)
        finally:
            capture.release()
    return PreparedMedia(
        media_type=media_type,
        data=data,
        thumbnail_jpeg=thumbnail_of_rgb(frame),
        width=width,
        height=height,
        duration_s=round(duration, 2),
    )


def _probe_picture(capture: cv2.VideoCapture, path: Path) -> tuple[int, int, float, int | None]:
    """`_probe`; a file of sound only that OpenCV cannot read as a video is UNSUPPORTED_MEDIA,
    saying so (before: "damaged", CORRUPT_MEDIA, for a phone's voice memo)."""
    try:
        return _probe(capture)
    except CorruptMedia:
        if sound_only(path):
            raise UnsupportedMedia(SOUND_ONLY, field="file") from None
        raise


def _probe(capture: cv2.VideoCapture) -> tuple[int, int, float, int | None]:
    """Width, height (as shown), frame rate and frame count; the count is None when the file
    does not give it (a WebM recorded by a browser's MediaRecorder has no duration)."""
    if not capture.isOpened():
        raise CorruptMedia(_("The video is damaged or in a format we cannot read."), field="file")
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = capture.get(cv2.CAP_PROP_FPS)
    if width <= 0 or height <= 0:
        raise CorruptMedia(_("The video has no picture."), field="file")
    if not 0 < fps <= 1000:
        raise CorruptMedia(_("The video's timing information is missing."), field="file")
    return width, height, fps, frame_count(capture)


def _count_frames(capture: cv2.VideoCapture, fps: float, max_seconds: float) -> int:
    """The frames of a video without a length, counted by reading them (each decoded, not
    converted), no further than just past `max_seconds`: a longer one is refused there."""
    count, limit = 0, max_seconds * fps
    while count <= limit and capture.grab():
        count += 1
    if count == 0:
        raise CorruptMedia(UNDECODABLE, field="file")
    if count > limit:
        raise MediaTooLong.translatable(VIDEO_OVER, "file", limit=number(max_seconds))
    return count


def _check_video(width: int, height: int, duration: float, limits: MediaLimits) -> None:
    if max(width, height) > limits.max_video_side:
        raise MediaTooLarge.translatable(
            VIDEO_TOO_BIG, "file", width=width, height=height, limit=limits.max_video_side
        )
    if duration > limits.max_video_seconds:
        raise MediaTooLong.translatable(
            VIDEO_TOO_LONG,
            "file",
            seconds=number(duration, up=True),
            limit=number(limits.max_video_seconds),
        )


def _middle_frame(
    capture: cv2.VideoCapture, duration: float, frames: int, to_rgb: FrameDecoder
) -> np.ndarray:
    """The frame half-way through (the first of a one-frame video: a seek past its only frame
    leaves OpenCV at the end, and seeking back does not bring it back)."""
    if frames > 1:
        capture.set(cv2.CAP_PROP_POS_MSEC, duration * 500)
    ok, bgr = capture.read()
    if not ok:
        capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        ok, bgr = capture.read()
    if not ok or bgr is None:
        raise CorruptMedia(UNDECODABLE, field="file")
    return to_rgb(bgr)
