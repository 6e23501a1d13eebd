"""Colour profiles with the real LittleCMS: the test profile writer checked against LittleCMS's
own sRGB and published conversions, then the sRGB verdict and the conversion to sRGB."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms

from metskin.adapters.vision.colour_profiles import SRGB, _transform, is_srgb, to_srgb
from tests.media_profiles import ADOBE_RGB, DISPLAY_P3, SRGB_WRITTEN, from_srgb

LEVELS = np.linspace(0, 255, 18).round().astype(np.uint8)
CUBE = Image.fromarray(np.stack(np.meshgrid(LEVELS, LEVELS, LEVELS), -1).reshape(-1, 1, 3))


def levels_moved(image: Image.Image, reference: Image.Image) -> int:
    return int(np.abs(np.asarray(image, np.int16) - np.asarray(reference, np.int16)).max())


def test_the_writer_with_srgb_primaries_gives_littlecms_srgb() -> None:
    """Guards the writer: its matrix (Bradford to D50), curve and tag layout, or P3 and Adobe
    RGB written by it would be wrong in the same way."""
    written = ImageCms.ImageCmsProfile(io.BytesIO(SRGB_WRITTEN))
    transform = ImageCms.buildTransform(written, SRGB, "RGB", "RGB")
    assert levels_moved(ImageCms.applyTransform(CUBE, transform), CUBE) <= 1  # type: ignore[arg-type]
    assert ImageCms.getProfileDescription(written).strip() == "sRGB (test)"


@pytest.mark.parametrize(
    ("profile", "red", "green", "blue"),
    [
        (DISPLAY_P3, (234, 51, 35), (117, 251, 76), (0, 0, 245)),
        (ADOBE_RGB, (219, 0, 0), (144, 255, 60), (0, 0, 250)),
    ],
)
def test_srgb_primaries_land_where_published_in_p3_and_adobe_rgb(
    profile: bytes, red: tuple, green: tuple, blue: tuple
) -> None:
    primaries = Image.fromarray(np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8))
    expected = Image.fromarray(np.array([[red, green, blue]], np.uint8))
    assert levels_moved(from_srgb(primaries, profile), expected) <= 1


def test_srgb_profiles_are_recognised_and_others_are_not() -> None:
    assert is_srgb(None) and is_srgb(b"")
    assert is_srgb(SRGB_WRITTEN)
    assert is_srgb(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert not is_srgb(DISPLAY_P3) and not is_srgb(ADOBE_RGB)
    assert _transform(bytes(bytearray(DISPLAY_P3))) is _transform(DISPLAY_P3)  # built once


@pytest.mark.parametrize("profile", [DISPLAY_P3, ADOBE_RGB])
def test_pixels_in_another_space_come_back_to_srgb(profile: bytes) -> None:
    """Within 4 levels after two 8-bit conversions, channels from 32 up: next to black, one
    level of the wider space spans several of sRGB (a saturated cyan's red 0 comes back as 8)."""
    inner = np.linspace(32, 255, 16).round().astype(np.uint8)
    cube = Image.fromarray(np.stack(np.meshgrid(inner, inner, inner), -1).reshape(-1, 1, 3))
    converted = from_srgb(cube, profile)
    assert levels_moved(converted, cube) > 30  # read as sRGB they would be far off
    assert levels_moved(to_srgb(converted, profile), cube) <= 4


@pytest.mark.parametrize(
    "profile",
    [
        b"ICC-serial-XY1234" * 8,
        DISPLAY_P3[:300],  # cut in its tag table
        ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes(),  # not an RGB space
    ],
    ids=["garbage", "truncated", "lab"],
)
def test_an_unusable_profile_counts_as_srgb(profile: bytes) -> None:
    assert is_srgb(profile)
    assert to_srgb(CUBE, profile) is CUBE
