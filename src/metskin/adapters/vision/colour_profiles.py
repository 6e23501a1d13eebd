"""Photos in another colour space converted to sRGB, the space the engine measures skin in.

The upload keeps a photo's profile when it is not sRGB (`ingest`), and every decode of a photo
for the analysis, its thumbnail and the overlay (`images.decode_image`) converts from it: at the
analysis's reduced decode scale, not on every full-size upload.

iPhones save in Display P3 and many cameras in Adobe RGB (1998); read as sRGB, the same skin
looks less saturated (lower b*), which moves ITA and Monk. The photo's embedded ICC profile
says which space its numbers are in. Every photo of a phone model carries the same profile, so
the verdict (sRGB or not) and the LittleCMS transform are built once per profile's bytes.

Relative colorimetric intent: a colour inside sRGB (every skin colour is) keeps its measured
CIELAB value and only colours outside sRGB are clipped, where a perceptual intent (tables in
some profiles) would compress the whole gamut and move skin too. The matrix profiles phones
and cameras write have no perceptual tables anyway: LittleCMS would fall back to colorimetric.

A profile LittleCMS cannot read or apply (damaged, CMYK or grey on an RGB picture) is ignored:
the photo is treated as sRGB, as it was before profiles were read, and is never refused.

A HEIC photo may give its colour space as coded numbers instead (an nclx box, ITU-T H.273:
primaries, transfer, matrix) with no ICC profile; pillow-heif already applies the matrix. A
PNG may too, in its cICP chunk (the same numbers; it overrides an iCCP profile), which Pillow
does not read: `png_cicp_profile` reads it. For
primaries other than sRGB's (Display P3, BT.2020) and a display (SDR) transfer, an equivalent
ICC profile is written (`icc_writer`) and used as if the photo had embedded it. An HDR transfer
(PQ, HLG) is not converted: such a still is read as sRGB, as before (not measured here).
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from PIL import Image, ImageCms

from metskin.adapters.vision.icc_writer import Chromaticity, icc_profile

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
# 7^3 colours from black to white: a profile that moves none of them by more than one level
# (rounding in the transform) is taken as sRGB and its photo is kept as it is.
GRID = Image.fromarray(
    np.stack(np.meshgrid(*[np.linspace(0, 255, 7).round().astype(np.uint8)] * 3), -1).reshape(
        -1, 1, 3
    )
)
SAME_LEVELS = 1
MAX_CACHED = 64  # distinct profiles (phone and camera models) kept at once
_transforms: dict[bytes, ImageCms.ImageCmsTransform | None] = {}
_NOT_BUILT = object()
# H.273 codes. Primaries: 1 BT.709 (sRGB's), 2 unspecified. Transfers taken as the sRGB
# curve (display-referred stills): 1, 6, 14, 15 (BT.709 family), 2 unspecified, 13 sRGB;
# 4 is gamma 2.2. PQ (16) and HLG (18) are HDR and left alone.
SRGB_PRIMARY_CODES = (1, 2)
SRGB_LIKE_TRANSFERS = (1, 2, 6, 13, 14, 15)
GAMMA_TRANSFERS = {4: 2.2}
# H.273 primaries a PNG's cICP chunk names by number only (red, green, blue, white): BT.709
# (sRGB's), BT.2020, DCI-P3, Display P3 (P3 with D65 white).
H273_PRIMARIES = {
    1: ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06), (0.3127, 0.3290)),
    9: ((0.708, 0.292), (0.170, 0.797), (0.131, 0.046), (0.3127, 0.3290)),
    11: ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060), (0.314, 0.351)),
    12: ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060), (0.3127, 0.3290)),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_CHUNKS = 64  # cICP comes before the picture's data, among the first chunks


def embedded_profile(info: Mapping[Any, Any]) -> bytes | None:
    """The ICC profile of a Pillow image's `info`: the embedded one, else one written from a
    HEIC's nclx colour description (None: sRGB, or nothing usable)."""
    found = info.get("icc_profile")
    if isinstance(found, bytes) and found:
        return found
    nclx = info.get("nclx_profile")
    return nclx_profile(nclx) if isinstance(nclx, Mapping) else None


def nclx_profile(nclx: Mapping[str, object]) -> bytes | None:
    """An ICC profile equivalent to a HEIC's nclx description (pillow-heif's dict), or None
    when it is sRGB, unspecified, HDR or incomplete."""
    try:
        primaries_code = int(_number(nclx, "color_primaries"))
        transfer = int(_number(nclx, "transfer_characteristics"))
        xy = [
            (round(_number(nclx, f"color_primary_{name}_x"), 4),
             round(_number(nclx, f"color_primary_{name}_y"), 4))
            for name in ("red", "green", "blue", "white")
        ]  # fmt: skip
    except (KeyError, TypeError):
        return None
    sdr = transfer in SRGB_LIKE_TRANSFERS or transfer in GAMMA_TRANSFERS
    if primaries_code in SRGB_PRIMARY_CODES or not sdr or any(y <= 0.0 for _, y in xy):
        return None
    return _written(tuple(xy[:3]), xy[3], GAMMA_TRANSFERS.get(transfer))


def png_cicp_profile(data: bytes) -> bytes | None:
    """The ICC profile equivalent to a PNG's cICP chunk, as for a HEIC's nclx numbers; None
    without one (before the picture's data), for sRGB, an HDR transfer, a matrix other than
    RGB's (0) or primaries not in H273_PRIMARIES."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    at = len(PNG_SIGNATURE)
    for _ in range(MAX_PNG_CHUNKS):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        if kind in (b"IDAT", b"IEND", b"") or at + 12 + size > len(data):
            return None
        if kind == b"cICP" and size == 4:
            primaries, transfer, matrix, _full_range = data[at + 8 : at + 12]
            corners = H273_PRIMARIES.get(primaries)
            if corners is None or matrix != 0:
                return None
            nclx: dict[str, object] = {
                "color_primaries": primaries,
                "transfer_characteristics": transfer,
            }
            for name, (x, y) in zip(("red", "green", "blue", "white"), corners, strict=True):
                nclx[f"color_primary_{name}_x"], nclx[f"color_primary_{name}_y"] = x, y
            return nclx_profile(nclx)
        at += 12 + size
    return None


def _number(nclx: Mapping[str, object], key: str) -> float:
    value = nclx[key]
    if not isinstance(value, int | float):
        raise TypeError(key)
    return float(value)


@functools.lru_cache(maxsize=16)
def _written(
    primaries: tuple[Chromaticity, ...], white: Chromaticity, gamma: float | None
) -> bytes:
    return icc_profile("nclx", primaries, gamma, white)


def is_srgb(profile: bytes | None) -> bool:
    """Whether a photo with this embedded profile (None: no profile) is already in sRGB, or
    is taken as sRGB because its profile cannot be used."""
    return _transform(profile) is None


def to_srgb(rgb: Image.Image, profile: bytes | None) -> Image.Image:
    """An RGB picture's pixels converted from its embedded profile's space to sRGB."""
    transform = _transform(profile)
    return rgb if transform is None else _applied(rgb, transform)


def to_srgb_array(rgb: np.ndarray, profile: bytes | None) -> np.ndarray:
    """`to_srgb` for a decoded RGB array (returned as it is when no conversion is needed)."""
    transform = _transform(profile)
    if transform is None:
        return rgb
    return np.asarray(_applied(Image.fromarray(rgb), transform))


def _applied(rgb: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    try:
        return ImageCms.applyTransform(rgb, transform)  # type: ignore[return-value]
    except (ImageCms.PyCMSError, OSError, ValueError):
        return rgb


def _transform(profile: bytes | None) -> ImageCms.ImageCmsTransform | None:
    """The transform to sRGB, None for sRGB or an unusable profile (cached by its digest)."""
    if not profile:
        return None
    key = hashlib.sha256(profile).digest()
    # one read and one write: another thread may clear the cache in between (worker threads)
    found = _transforms.get(key, _NOT_BUILT)
    if found is _NOT_BUILT:
        found = _build(profile)
        if len(_transforms) >= MAX_CACHED:
            _transforms.clear()
        _transforms[key] = found
    return found  # type: ignore[return-value]


def _build(profile: bytes) -> ImageCms.ImageCmsTransform | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        # NOCACHE: LittleCMS keeps the last colour it converted inside the transform, which
        # worker threads converting photos with the same profile at once would share
        transform = ImageCms.buildTransform(
            source, SRGB, "RGB", "RGB", INTENT, flags=ImageCms.Flags.NOCACHE
        )
        moved = np.asarray(ImageCms.applyTransform(GRID, transform), dtype=np.int16)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None
    if np.abs(moved - np.asarray(GRID, dtype=np.int16)).max() <= SAME_LEVELS:
        return None
    return transform
