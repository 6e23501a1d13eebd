"""ICC profiles for tests and benches, written by the adapters' writer
(`metskin.adapters.vision.icc_writer`) from their primaries: this machine has no .icc files."""

from __future__ import annotations

import io

from PIL import Image, ImageCms

from metskin.adapters.vision.icc_writer import (
    D50_XYZ,
    assembled,
    curve_tag,
    desc_tag,
    icc_profile,
    xyz_tag,
)

SRGB_PRIMARIES = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06))
P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
ADOBE_PRIMARIES = ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06))
ADOBE_GAMMA = 563 / 256  # u8Fixed8 as Adobe RGB (1998) profiles carry it: 2.19921875


DISPLAY_P3 = icc_profile("Display P3 (test)", P3_PRIMARIES)
ADOBE_RGB = icc_profile("Adobe RGB (1998) (test)", ADOBE_PRIMARIES, ADOBE_GAMMA)
SRGB_WRITTEN = icc_profile("sRGB (test)", SRGB_PRIMARIES)
# A greyscale profile (Photoshop's "Gray Gamma 2.2" kind), as a black-and-white export carries
GREY_GAMMA_22 = assembled(
    b"GRAY",
    [(b"desc", desc_tag("Grey (test)")), (b"wtpt", xyz_tag(D50_XYZ)), (b"kTRC", curve_tag(2.2))],
)


def from_srgb(rgb: Image.Image, profile: bytes) -> Image.Image:
    """sRGB pixels re-expressed in `profile`'s space, as a phone or camera saving in it would
    (relative colorimetric, the intent the upload converts back with)."""
    transform = ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        ImageCms.ImageCmsProfile(io.BytesIO(profile)),
        "RGB",
        "RGB",
        ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
    return ImageCms.applyTransform(rgb, transform)  # type: ignore[return-value]
