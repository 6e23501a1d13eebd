"""Recognising media by their first bytes, and the limits an upload must respect."""

from __future__ import annotations

from dataclasses import dataclass

from metskin.domain.analysis.errors import CorruptMedia, MediaTooLarge
from metskin.domain.analysis.records import MediaKind
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import number

MB = 1024 * 1024  # the unit of the limits (`max_photo_mb`) and of what the messages say


@dataclass(frozen=True)
class MediaLimits:
    # A 48 MP JPEG from a phone's full-resolution mode is about 10 MB on average (Apple's own
    # figure for JPEG Max), more for a detailed picture: 25 leaves it room.
    max_photo_bytes: int = 25 * MB
    max_video_bytes: int = 150 * MB
    # 48-50 MP: a phone's full-resolution mode (8064 x 6048 on iPhones, 8160 x 6120 on others)
    max_pixels: int = 50_000_000
    max_video_seconds: float = 60.0
    max_video_side: int = 3840


@dataclass(frozen=True)
class MediaType:
    kind: MediaKind
    content_type: str
    extension: str


JPEG = MediaType(MediaKind.PHOTO, "image/jpeg", "jpg")
PNG = MediaType(MediaKind.PHOTO, "image/png", "png")
WEBP = MediaType(MediaKind.PHOTO, "image/webp", "webp")
HEIC = MediaType(MediaKind.PHOTO, "image/heic", "heic")
# What Android's camera and gallery, and browsers' "save image", write more and more.
AVIF = MediaType(MediaKind.PHOTO, "image/avif", "avif")
MP4 = MediaType(MediaKind.VIDEO, "video/mp4", "mp4")
MOV = MediaType(MediaKind.VIDEO, "video/quicktime", "mov")
WEBM = MediaType(MediaKind.VIDEO, "video/webm", "webm")

HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
MOV_BRANDS = {b"qt  "}
AVIF_BRANDS = {b"avif", b"avis"}  # a still picture, a sequence (its first picture is read)


def sniff(head: bytes) -> MediaType | None:
    """The media type from the first 32 bytes, ignoring names and declared MIME types."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIC_BRANDS:
            return HEIC
        if brand in AVIF_BRANDS:  # before: read as an MP4 video, "damaged"
            return AVIF
        return MOV if brand in MOV_BRANDS else MP4
    return None


# What a file over the size limit is told, with what to do (translated whole: `{size}` and
# `{limit}` in MB, numbers the translator writes: "1,5 Mo").
TOO_LARGE = {
    MediaKind.PHOTO: _(
        "This photo is {size} MB; the limit is {limit} MB. Save it as JPEG or HEIC at the "
        "camera's usual resolution."
    ),
    MediaKind.VIDEO: _(
        "This video is {size} MB; the limit is {limit} MB. Record a shorter clip, or at 1080p."
    ),
}


def check_size(kind: MediaKind, size: int, limits: MediaLimits) -> None:
    cap = limits.max_photo_bytes if kind is MediaKind.PHOTO else limits.max_video_bytes
    if size > cap:
        raise MediaTooLarge.translatable(
            TOO_LARGE[kind], "file", size=number(size / MB, up=True), limit=number(cap / MB)
        )
    if size == 0:
        raise CorruptMedia(_("The file is empty."), field="file")
