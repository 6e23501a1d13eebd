"""Uploads of plain upright JPEGs: metadata segments dropped, the coded picture kept bit for bit;
everything else goes the re-encoding way (tests/integration/test_media_ingest.py)."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image

from metskin.adapters.vision.images import decode_image
from metskin.adapters.vision.ingest import MediaPreparerAdapter, photo_thumbnail
from metskin.adapters.vision.jpeg_segments import (
    ICC_HEADER,
    MAX_SCANS,
    strip_jpeg,
    with_icc_profile,
)
from metskin.domain.analysis.errors import CorruptMedia, MediaTooLarge
from metskin.domain.analysis.media import JPEG, MediaLimits
from tests.e2e.bad_uploads import _jpeg_dimensions
from tests.media_profiles import DISPLAY_P3, from_srgb
from tests.media_samples import (
    camera_jpeg,
    colour_patches,
    encode,
    face_jpeg,
    jpeg_pixels,
    noise_image,
    patch_means,
)

LIMITS = MediaLimits(max_pixels=2_000_000)


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
    assert np.array_equal(jpeg_pixels(stored), jpeg_pixels(original))  # not re-encoded: same pixels
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (240, 180)
        assert "progressive" in image.info if progressive else "progressive" not in image.info
    assert (prepared.width, prepared.height) == (240, 180)
    assert prepared.thumbnail_jpeg is None  # not decoded at upload: made from its first decode
    thumbnail = Image.open(io.BytesIO(photo_thumbnail(stored)))
    assert thumbnail.format == "JPEG" and thumbnail.size == (240, 180)


def test_a_big_plain_jpeg_gets_a_small_thumbnail_from_its_first_decode() -> None:
    original = encode(noise_image(1600, 1200), "JPEG")
    prepared = MediaPreparerAdapter().prepare(original, JPEG, LIMITS)
    assert prepared.thumbnail_jpeg is None
    assert Image.open(io.BytesIO(photo_thumbnail(prepared.data))).size == (320, 240)


def test_a_picture_that_cannot_be_decoded_has_no_thumbnail_and_is_refused_at_upload() -> None:
    """A frame of no rows: the header parse sends it the decoder's way, which refuses it at
    upload; the thumbnail's decode refuses it too (the analysis's decode raises the same)."""
    data = face_jpeg(128)
    frame = data.index(b"\xff\xc0") + 5
    broken = data[:frame] + b"\x00\x00" + data[frame + 2 :]
    assert strip_jpeg(broken, LIMITS.max_pixels) is None
    with pytest.raises(CorruptMedia):
        MediaPreparerAdapter().prepare(broken, JPEG, LIMITS)
    with pytest.raises(CorruptMedia):
        photo_thumbnail(broken)


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


def icc_segment(number: int, count: int, part: bytes) -> bytes:
    body = ICC_HEADER + bytes((number, count)) + part
    return b"\xff\xe2" + struct.pack(">H", len(body) + 2) + body


def with_split_profile(data: bytes, profile: bytes, order: tuple[int, ...]) -> bytes:
    """The JPEG with `profile` in two APP2 chunks (as a profile over 64 KB is written) placed
    in `order` (chunk numbers from 1) just after the JFIF header."""
    half = len(profile) // 2
    parts = {1: profile[:half], 2: profile[half:]}
    chunks = b"".join(icc_segment(number, 2, parts[number]) for number in order)
    return data[:20] + chunks + data[20:]


def test_the_icc_profile_dropped_is_handed_back() -> None:
    assert strip_jpeg(face_jpeg(64), LIMITS.max_pixels).icc_profile is None  # type: ignore[union-attr]
    data = encode(noise_image(32, 32), "JPEG", icc_profile=DISPLAY_P3)
    stripped = strip_jpeg(data, LIMITS.max_pixels)
    assert stripped is not None and stripped.icc_profile == DISPLAY_P3
    assert b"ICC_PROFILE" not in stripped.data


def test_a_profile_is_written_back_in_chunks_that_decoders_read() -> None:
    stripped = strip_jpeg(encode(noise_image(32, 32), "JPEG"), LIMITS.max_pixels)
    assert stripped is not None
    large = DISPLAY_P3 + bytes(70_000)  # over one segment: two chunks
    for profile in (DISPLAY_P3, large):
        data = with_icc_profile(stripped.data, profile)
        assert Image.open(io.BytesIO(data)).info["icc_profile"] == profile
        again = strip_jpeg(data, LIMITS.max_pixels)
        assert again is not None and again.icc_profile == profile and again.data == stripped.data
    assert with_icc_profile(stripped.data, large).count(ICC_HEADER) == 2


def test_a_profile_in_several_chunks_is_reassembled_in_their_order() -> None:
    plain = encode(from_srgb(colour_patches(), DISPLAY_P3), "JPEG", quality=95)
    for order in ((1, 2), (2, 1)):
        data = with_split_profile(plain, DISPLAY_P3, order)
        assert Image.open(io.BytesIO(data)).info["icc_profile"] == DISPLAY_P3  # as Pillow reads it
        assert strip_jpeg(data, LIMITS.max_pixels).icc_profile == DISPLAY_P3  # type: ignore[union-attr]
        stored = MediaPreparerAdapter().prepare(data, JPEG, LIMITS).data
        expected = patch_means(np.asarray(colour_patches(), dtype=np.float64))
        assert Image.open(io.BytesIO(stored)).info["icc_profile"] == DISPLAY_P3  # kept whole
        assert np.abs(patch_means(decode_image(stored)) - expected).max() < 3.5  # read in sRGB
    for order in ((1,), (1, 1), (2, 2)):  # a chunk missing or repeated: no profile, so sRGB
        stripped = strip_jpeg(with_split_profile(plain, DISPLAY_P3, order), LIMITS.max_pixels)
        assert stripped is not None and stripped.icc_profile is None
