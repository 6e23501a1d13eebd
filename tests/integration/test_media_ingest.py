"""Upload validation with the real decoders: sanitising, limits, damaged files, polyglots."""

from __future__ import annotations

import io
import random
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageCms

from metskin.adapters.vision.colour_profiles import embedded_profile, is_srgb, nclx_profile
from metskin.adapters.vision.images import decode_image
from metskin.adapters.vision.ingest import (
    PHOTO_QUALITY,
    POLYGLOT_MARKERS,
    MediaPreparerAdapter,
    has_polyglot_marker,
    photo_thumbnail,
)
from metskin.adapters.vision.jpeg_segments import strip_jpeg, with_icc_profile
from metskin.domain.analysis.errors import (
    CorruptMedia,
    MediaTooLarge,
    MediaTooLong,
    UnsupportedMedia,
)
from metskin.domain.analysis.media import MediaLimits, sniff
from metskin.domain.analysis.records import MediaKind
from tests.media_profiles import ADOBE_RGB, DISPLAY_P3, SRGB_WRITTEN, from_srgb
from tests.media_samples import (
    LOCATION,
    colour_patches,
    encode,
    jpeg_pixels,
    jpeg_with_gps_and_rotation,
    noise_image,
    patch_means,
    png_claiming_size,
    tracks_mp4,
    tracks_webm,
    video_bytes,
    video_with_location,
)

LIMITS = MediaLimits(max_pixels=2_000_000, max_video_seconds=5, max_video_side=640)
preparer = MediaPreparerAdapter()


def prepare(data: bytes, limits: MediaLimits = LIMITS):  # type: ignore[no-untyped-def]
    media_type = sniff(data[:32])
    assert media_type is not None
    return preparer.prepare(data, media_type, limits)


def test_photos_lose_exif_and_gps_and_come_out_upright() -> None:
    original = jpeg_with_gps_and_rotation(60, 40)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS was there
    prepared = prepare(original)
    stored = Image.open(io.BytesIO(prepared.data))
    assert (stored.width, stored.height) == (40, 60) == (prepared.width, prepared.height)
    assert not stored.getexif()
    assert b"Exif" not in prepared.data and b"PhoneMaker" not in prepared.data
    assert prepared.thumbnail_jpeg is None  # made from the stored photo's first decode
    thumbnail = Image.open(io.BytesIO(photo_thumbnail(prepared.data)))
    assert thumbnail.format == "JPEG" and thumbnail.size == (40, 60)  # upright too


@pytest.mark.parametrize(
    ("fmt", "options", "content_type"),
    [
        ("PNG", {}, "image/png"),
        ("WEBP", {"quality": 90}, "image/webp"),
        ("HEIF", {}, "image/heic"),
        ("AVIF", {"quality": 90}, "image/avif"),  # before: sniffed as an MP4, "damaged"
        ("JPEG", {"quality": 70}, "image/jpeg"),
    ],
)
def test_each_photo_format_is_accepted_and_re_encoded(
    fmt: str, options: dict, content_type: str
) -> None:
    data = encode(noise_image(48, 32, seed=3), fmt, **options)
    assert sniff(data[:32]) is not None and sniff(data[:32]).content_type == content_type  # type: ignore[union-attr]
    prepared = prepare(data)
    assert prepared.media_type.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(prepared.data)).size == (48, 32)


def test_an_avif_from_a_phone_is_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned 90 degrees
    data = encode(noise_image(48, 32, seed=4), "AVIF", quality=90, exif=exif.tobytes())
    assert Image.open(io.BytesIO(prepare(data).data)).size == (32, 48)


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    with pytest.raises(MediaTooLarge, match="megapixels"):
        prepare(png_claiming_size(30_000, 30_000))


def test_a_phone_s_full_resolution_photo_is_taken() -> None:
    """48 MP (an iPhone's 8064 x 6048) and 50 MP (8160 x 6120) modes pass the default limits;
    what is larger is refused with what to do instead."""
    data = encode(Image.new("RGB", (8064, 6048), (200, 150, 120)), "JPEG", quality=70)
    prepared = prepare(data, MediaLimits())
    assert (prepared.width, prepared.height) == (8064, 6048)
    assert MediaLimits().max_pixels >= 8160 * 6120
    with pytest.raises(MediaTooLarge, match="usual resolution"):
        prepare(png_claiming_size(12_000, 9_000), MediaLimits())


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_truncated_photos_are_corrupt(cut: float) -> None:
    data = encode(noise_image(200, 150, seed=1), "JPEG", quality=95)
    with pytest.raises(CorruptMedia):
        prepare(data[: int(len(data) * cut)])


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "tail", [b"<script>alert(1)</script>", b"<?php system($_GET['c']); ?>", zip_bytes()]
)
def test_polyglots_are_refused(tail: bytes) -> None:
    data = encode(noise_image(64, 64), "JPEG") + tail
    with pytest.raises(UnsupportedMedia, match="other content"):
        prepare(data)


def test_content_that_contradicts_its_magic_bytes_is_refused() -> None:
    fake = b"\x89PNG\r\n\x1a\n" + encode(noise_image(16, 16), "JPEG")
    with pytest.raises((UnsupportedMedia, CorruptMedia)):
        prepare(fake)


def test_a_video_is_probed_and_kept() -> None:
    data = video_bytes(96, 64, fps=10, seconds=2)
    prepared = prepare(data)
    assert prepared.media_type.kind is MediaKind.VIDEO
    movie = data.rfind(b"moov")  # after the pictures, as OpenCV writes it
    assert prepared.data[:movie] == data[:movie] and len(prepared.data) == len(data)
    assert (prepared.width, prepared.height) == (96, 64)
    assert prepared.duration_s == pytest.approx(2.0, abs=0.15)
    assert Image.open(io.BytesIO(prepared.thumbnail_jpeg)).size == (96, 64)


def test_a_video_loses_where_it_was_filmed_and_the_phone_s_make() -> None:
    """Photos lost their EXIF; a phone's MP4 or MOV was stored as sent, with the GPS place it
    was filmed at (`©xyz`, Apple's ISO 6709 key, XMP), served to whoever it was shared with."""
    plain = video_bytes(96, 64, fps=10, seconds=2)
    data = video_with_location(plain)
    prepared = prepare(data)
    for told in (LOCATION, b"Apple", b"iPhone", b"GPSLatitude", b"ISO6709", b"Lavf"):
        assert told in data and told not in prepared.data
    assert len(prepared.data) == len(data)  # blanked in place: the offsets to the frames hold
    assert (prepared.width, prepared.height) == (96, 64)
    assert prepared.thumbnail_jpeg == prepare(plain).thumbnail_jpeg  # the same pictures
    assert prepare(prepared.data).data == prepared.data  # and it still reads as a video


def test_a_long_video_is_refused() -> None:
    with pytest.raises(MediaTooLong, match="under 5 s"):
        prepare(video_bytes(32, 32, fps=4, seconds=6))


def test_a_video_with_oversized_frames_is_refused() -> None:
    with pytest.raises(MediaTooLarge, match="largest side"):
        prepare(video_bytes(704, 32, fps=4, seconds=1))


@pytest.mark.parametrize(
    "data",
    [tracks_mp4(b"soun"), tracks_mp4(b"soun", brand=b"mp42"), tracks_webm(2)],
    ids=["m4a", "mp4", "webm"],
)
def test_a_file_of_sound_only_is_told_it_has_no_picture(data: bytes) -> None:
    # Before: CORRUPT_MEDIA "The video is damaged or in a format we cannot read."
    with pytest.raises(UnsupportedMedia, match="sound but no picture"):
        prepare(data)


@pytest.mark.parametrize(
    "data", [tracks_mp4(b"vide", b"soun", brand=b"qt  "), tracks_webm(1, 2)], ids=["mov", "webm"]
)
def test_a_damaged_video_with_sound_is_still_damaged(data: bytes) -> None:
    with pytest.raises(CorruptMedia, match="damaged"):
        prepare(data)


def test_a_truncated_video_is_corrupt() -> None:
    data = video_bytes(64, 64, fps=10, seconds=2)
    with pytest.raises(CorruptMedia):
        prepare(data[: len(data) // 2])


def test_the_polyglot_scan_finds_what_a_lowercased_search_finds() -> None:
    rng = random.Random(7)
    alphabet = b"<%sScCrRiIpPtThHmMlL?!-dDoOyYeEfFvVgG\x00\xff\x1f"
    hits = 0
    for _ in range(2000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        if rng.random() < 0.3:
            marker = bytes(
                c ^ 0x20 if chr(c).isalpha() and rng.random() < 0.5 else c
                for c in rng.choice(POLYGLOT_MARKERS)
            )
            at = rng.randint(0, len(data))
            data = data[:at] + marker + data[at:]
        lowered = data.lower()
        expected = any(marker in lowered for marker in POLYGLOT_MARKERS)
        hits += expected
        assert has_polyglot_marker(data) is expected, data
    assert hits > 300


LOSSY = {"quality": 95}
SAVE_OPTIONS: dict[str, dict] = {"PNG": {}, "JPEG": LOSSY, "WEBP": LOSSY, "HEIF": LOSSY}


@pytest.mark.parametrize(
    ("fmt", "mode", "profile"),
    [
        ("JPEG", "RGB", DISPLAY_P3),
        ("JPEG", "RGB", ADOBE_RGB),
        ("PNG", "RGB", DISPLAY_P3),
        ("PNG", "RGBA", ADOBE_RGB),
        ("WEBP", "RGB", DISPLAY_P3),
        ("HEIF", "RGB", DISPLAY_P3),  # as iPhones save; pillow-heif writes the profile
    ],
)
def test_a_photo_in_display_p3_or_adobe_rgb_is_read_in_srgb(
    fmt: str, mode: str, profile: bytes
) -> None:
    """The phone's or camera's numbers read as sRGB would be off by 8-15 levels on light skin
    (less yellow: lower b*); the stored photo keeps its profile (and no other metadata) and is
    decoded from it back within JPEG noise, as the photo itself is."""
    original = colour_patches()
    in_profile = from_srgb(original, profile).convert(mode)
    data = encode(in_profile, fmt, icc_profile=profile, **SAVE_OPTIONS[fmt])
    assert Image.open(io.BytesIO(data)).info["icc_profile"] == profile
    prepared = prepare(data)
    stored = Image.open(io.BytesIO(prepared.data))
    assert stored.info["icc_profile"] == profile and not stored.getexif()
    expected = patch_means(np.asarray(original, dtype=np.float64))
    as_read = patch_means(np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), np.float64))
    assert np.abs(as_read - expected)[0].max() > 6  # the profile matters on this skin colour
    assert np.abs(patch_means(decode_image(prepared.data)) - expected).max() < 3.5  # 2 JPEGs
    if fmt != "HEIF":  # the photo as sent, as a bench or a script loads it
        assert np.abs(patch_means(decode_image(data)) - expected).max() < 3.0


@pytest.mark.parametrize(("primaries", "transfer", "converted"), [(12, 13, True), (1, 13, False)])
def test_a_heic_in_display_p3_by_nclx_numbers_is_read_in_srgb(
    primaries: int, transfer: int, converted: bool
) -> None:
    """A HEIC may say "Display P3" with nclx numbers (H.273 primaries 12) and no ICC profile:
    the upload stores the equivalent ICC profile and the decode converts from it, as for an
    embedded one. sRGB's primaries (1) need nothing."""
    original = colour_patches()
    # the pixels alone: applyTransform leaves the profile in the picture's info
    pixels = Image.fromarray(np.asarray(from_srgb(original, DISPLAY_P3) if converted else original))
    data = encode(
        pixels, "HEIF", quality=95, color_primaries=primaries,
        transfer_characteristics=transfer, matrix_coefficients=6, full_range_flag=1,
    )  # fmt: skip
    sent = Image.open(io.BytesIO(data))
    assert (
        "icc_profile" not in sent.info and sent.info["nclx_profile"]["color_primaries"] == primaries
    )
    stored = Image.open(io.BytesIO(prepare(data).data))
    assert ("icc_profile" in stored.info) is converted
    expected = patch_means(np.asarray(original, dtype=np.float64))
    as_read = patch_means(np.asarray(sent.convert("RGB"), np.float64))
    assert bool(np.abs(as_read - expected)[0].max() > 6) is converted  # P3 numbers read as sRGB
    assert np.abs(patch_means(decode_image(prepare(data).data)) - expected).max() < 3.5


def test_nclx_numbers_that_are_not_a_display_space_are_left_alone() -> None:
    """HDR transfers (PQ 16, HLG 18), unspecified primaries and incomplete or odd dicts give no
    profile (the photo is read as sRGB, as before); BT.2020 with an SDR transfer gives one."""
    p3 = dict(Image.open(io.BytesIO(encode(colour_patches(), "HEIF", color_primaries=12)))
              .info["nclx_profile"])  # fmt: skip
    assert nclx_profile(p3) is not None and embedded_profile({"nclx_profile": p3}) is not None
    assert nclx_profile({**p3, "transfer_characteristics": 16}) is None
    assert nclx_profile({**p3, "transfer_characteristics": 18}) is None
    assert nclx_profile({**p3, "color_primaries": 2}) is None
    assert nclx_profile({**p3, "color_primary_red_y": "0.3"}) is None
    assert nclx_profile({**p3, "color_primary_red_y": 0.0}) is None
    assert nclx_profile({"color_primaries": 12}) is None
    assert embedded_profile({"icc_profile": DISPLAY_P3, "nclx_profile": p3}) == DISPLAY_P3
    assert embedded_profile({"icc_profile": b""}) is None and embedded_profile({}) is None
    bt2020 = {**p3, "color_primaries": 9, "color_primary_red_x": 0.708,
              "color_primary_red_y": 0.292, "color_primary_green_x": 0.170,
              "color_primary_green_y": 0.797, "color_primary_blue_x": 0.131,
              "color_primary_blue_y": 0.046}  # fmt: skip
    assert not is_srgb(nclx_profile(bt2020))


def test_an_upload_in_display_p3_keeps_the_fast_path() -> None:
    """No full-size decode and re-encode at upload: the profile goes back into the stripped
    JPEG and the analysis's reduced decode converts."""
    data = encode(
        from_srgb(colour_patches(), DISPLAY_P3), "JPEG", quality=95, icc_profile=DISPLAY_P3
    )
    stripped = strip_jpeg(data, LIMITS.max_pixels)
    assert stripped is not None
    assert prepare(data).data == with_icc_profile(stripped.data, DISPLAY_P3)


@pytest.mark.parametrize(
    "profile",
    [ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), SRGB_WRITTEN],
    ids=["littlecms", "written"],
)
def test_a_jpeg_with_an_srgb_profile_keeps_its_coded_picture(profile: bytes) -> None:
    data = encode(colour_patches(), "JPEG", quality=PHOTO_QUALITY, icc_profile=profile)
    stripped = strip_jpeg(data, LIMITS.max_pixels)
    assert stripped is not None and stripped.icc_profile == profile
    assert prepare(data).data == stripped.data  # stripped, not re-encoded


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_with_a_damaged_profile_is_stored_as_srgb(fmt: str) -> None:
    original = colour_patches()
    data = encode(original, fmt, icc_profile=DISPLAY_P3[:300], **SAVE_OPTIONS[fmt])
    prepared = prepare(data)
    if fmt == "JPEG":
        assert prepared.data == strip_jpeg(data, LIMITS.max_pixels).data  # type: ignore[union-attr]
    expected = patch_means(np.asarray(original, dtype=np.float64))
    assert np.abs(patch_means(jpeg_pixels(prepared.data)) - expected).max() < 3.5  # 2 JPEGs
