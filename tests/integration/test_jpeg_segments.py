"""Uploads of plain upright JPEGs: metadata segments dropped, the coded picture kept bit for bit;
everything else goes the re-encoding way (tests/integration/test_media_ingest.py)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from metskin.adapters.vision.ingest import MediaPreparerAdapter
from metskin.adapters.vision.jpeg_segments import MAX_SCANS, strip_jpeg
from metskin.domain.analysis.errors import CorruptMedia, MediaTooLarge
from metskin.domain.analysis.media import JPEG, MediaLimits
from tests.e2e.bad_uploads import _jpeg_dimensions
from tests.media_samples import encode, face_jpeg, noise_image

LIMITS = MediaLimits(max_pixels=2_000_000)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="{o}" '
    b'photoshop:City="Hackney"/></rdf:RDF></x:xmpmeta>'
)


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def camera_jpeg(
    orientation: int | None = 1, xmp_orientation: int | None = 1, **options: object
) -> bytes:
    """A face as a phone would save it: EXIF with GPS and maker, XMP, an ICC profile, a
    comment, and a second picture behind the end marker (as MPF depth maps are)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    face = Image.open(io.BytesIO(face_jpeg(256))).resize((240, 180))
    data = encode(
        face,
        "JPEG",
        quality=90,
        exif=exif.tobytes(),
        xmp=XMP.replace(b"{o}", str(xmp_orientation).encode() if xmp_orientation else b""),
        icc_profile=b"ICC-serial-XY1234" * 8,
        comment=b"taken at 10 Downing Street",
        **options,
    )
    return data + encode(noise_image(32, 32), "JPEG")


@pytest.mark.parametrize("progressive", [False, True])
def test_a_plain_jpeg_keeps_its_coded_picture_and_loses_everything_else(
    progressive: bool,
) -> None:
    original = camera_jpeg(progressive=progressive)
    prepared = MediaPreparerAdapter().prepare(original, JPEG, LIMITS)
    stored = prepared.data
    for secret in (b"Exif", b"PhoneMaker", b"Hackney", b"ICC", b"Downing", b"xmpmeta"):
        assert secret in original and secret not in stored
    assert stored.endswith(b"\xff\xd9") and stored.count(b"\xff\xd9") == 1  # tail dropped
    assert np.array_equal(pixels(stored), pixels(original))  # not re-encoded: same pixels
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (240, 180)
        assert "progressive" in image.info if progressive else "progressive" not in image.info
    assert (prepared.width, prepared.height) == (240, 180)
    thumbnail = Image.open(io.BytesIO(prepared.thumbnail_jpeg))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) <= 320


@pytest.mark.parametrize(("exif", "xmp", "upright"), [(6, 1, (180, 240)), (None, 8, (180, 240))])
def test_a_turned_jpeg_is_re_encoded_upright(
    exif: int | None, xmp: int, upright: tuple[int, int]
) -> None:
    """Turned by its EXIF orientation, or by XMP's when EXIF has none (as Pillow reads them)."""
    original = camera_jpeg(orientation=exif, xmp_orientation=xmp)
    assert strip_jpeg(original, LIMITS.max_pixels) is None
    prepared = MediaPreparerAdapter().prepare(original, JPEG, LIMITS)
    assert Image.open(io.BytesIO(prepared.data)).size == upright
    assert b"PhoneMaker" not in prepared.data and b"Hackney" not in prepared.data


def test_a_jpeg_over_the_pixel_limit_is_refused_from_its_header() -> None:
    huge = _jpeg_dimensions(face_jpeg(64), 40_000, 30_000)
    assert strip_jpeg(huge, LIMITS.max_pixels) is None
    with pytest.raises(MediaTooLarge, match="megapixels"):
        MediaPreparerAdapter().prepare(huge, JPEG, LIMITS)


def test_a_jpeg_without_its_end_is_not_stripped_and_refused() -> None:
    data = face_jpeg(128)
    assert strip_jpeg(data, LIMITS.max_pixels) is not None
    for cut in (len(data) - 2, len(data) // 2, 400):
        assert strip_jpeg(data[:cut], LIMITS.max_pixels) is None
        with pytest.raises(CorruptMedia):
            MediaPreparerAdapter().prepare(data[:cut], JPEG, LIMITS)


def test_unusual_jpegs_are_left_to_the_decoder() -> None:
    cmyk = encode(noise_image(32, 32).convert("CMYK"), "JPEG")
    grey = encode(noise_image(32, 32).convert("L"), "JPEG")
    assert strip_jpeg(cmyk, LIMITS.max_pixels) is None
    assert strip_jpeg(grey, LIMITS.max_pixels) is None
    assert Image.open(io.BytesIO(MediaPreparerAdapter().prepare(grey, JPEG, LIMITS).data)).mode
    plain = face_jpeg(64)
    scan = plain.index(b"\xff\xda")
    end = plain.rindex(b"\xff\xd9")
    many_scans = plain[:end] + plain[scan:end] * MAX_SCANS + b"\xff\xd9"
    assert strip_jpeg(many_scans, LIMITS.max_pixels) is None
