"""Image files phones, browsers and messengers make, through the upload's real decoders: what
is stored is the picture the person sees (upright, in colour as shown, its background as a
viewer shows it), or a coded refusal. The swept table: docs/reliability.md, "Every image
file a phone, browser or messenger makes" (2026-12-06, seventh session)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from metskin.adapters.vision.images import decode_image
from metskin.adapters.vision.ingest import prepare_photo
from metskin.domain.analysis.media import JPEG, MediaLimits, sniff
from tests.media_profiles import DISPLAY_P3, GREY_GAMMA_22, from_srgb
from tests.media_samples import colour_patches, encode, face_jpeg, jpeg_pixels, patch_means


def face(side: int = 96) -> Image.Image:
    return Image.open(io.BytesIO(face_jpeg(side))).convert("RGB")


def stored(data: bytes) -> np.ndarray:
    kind = sniff(data[:32])
    assert kind is not None
    return jpeg_pixels(prepare_photo(data, kind, MediaLimits()).data).astype(np.int16)


def test_a_16_bit_greyscale_png_is_stored_as_its_grey_picture() -> None:
    """Pillow's convert("RGB") clips 16-bit samples at 255: the picture came out white, and the
    analysis said NO_FACE instead of NO_COLOUR (tests/analysis/test_upload_formats.py)."""
    grey = np.asarray(face().convert("L"))
    data = encode(Image.fromarray(grey.astype(np.uint16) * 257), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    pixels = stored(data)
    assert np.abs(pixels - grey[..., np.newaxis]).mean() < 2.5  # before: 255 nearly everywhere


def cut_out(image: Image.Image, under: np.ndarray) -> Image.Image:
    """The face with its corners' background removed (alpha 0), `under` left in its RGB."""
    rgba = np.dstack([np.asarray(image), np.full(image.size[::-1], 255, np.uint8)])
    height, width = rgba.shape[:2]
    y, x = np.mgrid[:height, :width]
    outside = ((x - width / 2) / (0.4 * width)) ** 2 + ((y - height / 2) / (0.5 * height)) ** 2 > 1
    rgba[outside] = np.dstack([under, np.zeros(under.shape[:2], np.uint8)])[outside]
    return Image.fromarray(rgba, "RGBA")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "PALETTE PNG"])
def test_a_transparent_background_is_stored_white_as_viewers_show_it(fmt: str) -> None:
    """The RGB under a transparent pixel is what the editor left (here coloured noise: a cut-out
    background kept underneath); it was stored as it lay. Now white, as browsers, galleries and
    messengers show the file; the face's opaque pixels are unchanged."""
    image = face()
    noise = np.random.default_rng(5).integers(0, 255, (96, 96, 3), dtype=np.uint8)
    rgba = cut_out(image, noise)
    if fmt == "PALETTE PNG":
        data = encode(rgba.quantize(255), "PNG")
        assert "transparency" in Image.open(io.BytesIO(data)).info
    else:
        data = encode(rgba, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    pixels = stored(data)
    opaque = np.asarray(rgba)[..., 3] == 255
    assert pixels[0:6, 0:6].min() > 240  # a corner: before, the noise
    assert np.abs(pixels[opaque] - np.asarray(image, np.int16)[opaque]).mean() < 6


@pytest.mark.parametrize("orientation", range(2, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_every_exif_orientation_comes_out_upright_mirrored_ones_too(
    fmt: str, orientation: int
) -> None:
    """Pinned (it passed before): orientations 2, 4, 5 and 7 are mirrored; PNG's is its eXIf."""
    image = face().resize((96, 64))  # not square: a wrong quarter turn shows in the size
    exif = Image.Exif()
    exif[0x0112] = orientation
    # the file holds the picture as the sensor read it; its tag says how to turn it upright
    raw = image.transpose(INVERSE[orientation])
    data = encode(raw, fmt, exif=exif.tobytes(), **({"quality": 95} if fmt != "PNG" else {}))
    pixels = stored(data)
    assert pixels.shape[:2] == (64, 96)
    upright = np.asarray(image, np.int16)
    assert np.abs(pixels - upright).mean() < 8  # two lossy codings of a small face
    assert np.abs(pixels - upright[:, ::-1]).mean() > 20  # not its mirror image


INVERSE = {  # the stored picture whose orientation tag turns it back into the upright one
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize(
    "make",
    [
        lambda image: encode(image, "PNG", save_all=True, append_images=[image.rotate(20)]),
        lambda image: encode(
            image, "WEBP", quality=90, save_all=True, append_images=[image.rotate(20)]
        ),
    ],
    ids=["apng", "animated webp"],
)
def test_an_animated_png_or_webp_is_stored_as_its_first_frame(make) -> None:  # type: ignore[no-untyped-def]
    image = face()
    pixels = stored(make(image))
    assert np.abs(pixels - np.asarray(image, np.int16)).mean() < 4


def png_with_cicp(pixels: Image.Image, primaries: int, transfer: int) -> bytes:
    info = PngInfo()
    info.add(b"cICP", bytes((primaries, transfer, 0, 1)))  # RGB matrix, full range
    return encode(pixels, "PNG", pnginfo=info)


@pytest.mark.parametrize(("primaries", "transfer", "converted"), [(12, 13, True), (12, 16, False)])
def test_a_png_in_display_p3_by_its_cicp_numbers_is_read_in_srgb(
    primaries: int, transfer: int, converted: bool
) -> None:
    """A PNG may say "Display P3" by H.273 numbers (cICP) and carry no ICC profile; Pillow does
    not read the chunk, and its P3 numbers were read as sRGB (light skin off by 6+ levels). Now
    stored with the equivalent profile, as a HEIC's nclx numbers are. An HDR transfer (PQ, 16)
    is left alone, as for a HEIC."""
    original = colour_patches()
    pixels = Image.fromarray(np.asarray(from_srgb(original, DISPLAY_P3)))
    data = png_with_cicp(pixels, primaries, transfer)
    assert "icc_profile" not in Image.open(io.BytesIO(data)).info
    kind = sniff(data[:32])
    assert kind is not None
    prepared = prepare_photo(data, kind, MediaLimits())
    assert ("icc_profile" in Image.open(io.BytesIO(prepared.data)).info) is converted
    expected = patch_means(np.asarray(original, dtype=np.float64))
    error = np.abs(patch_means(decode_image(prepared.data)) - expected).max()
    assert error < 3.5 if converted else error > 6


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_a_greyscale_colour_profile_is_dropped_and_the_picture_read_as_it_is(mode: str) -> None:
    """Pinned: a black-and-white export's grey profile (on a grey JPEG, or left on a colour one)
    cannot convert RGB: the photo is read as sRGB and stored without it (a grey one is then
    refused as NO_COLOUR, tests/analysis/test_upload_formats.py)."""
    assert ImageCms.ImageCmsProfile(io.BytesIO(GREY_GAMMA_22)).profile.xcolor_space == "GRAY"
    image = face().convert(mode)
    data = encode(image, "JPEG", quality=95, icc_profile=GREY_GAMMA_22)
    stored_image = Image.open(io.BytesIO(prepare_photo(data, JPEG, MediaLimits()).data))
    assert "icc_profile" not in stored_image.info
    expected = np.asarray(image.convert("RGB"), np.int16)
    assert np.abs(np.asarray(stored_image.convert("RGB"), np.int16) - expected).mean() < 2
