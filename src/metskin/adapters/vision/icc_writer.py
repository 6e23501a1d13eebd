"""ICC v2 display profiles written from a colour space's primaries: what a HEIC photo that
gives its colour space as coded numbers (an nclx box: primaries and transfer, no ICC profile)
needs for LittleCMS, and what the tests and benches embed in photos (this machine has no .icc
files). A matrix/TRC profile is what phones (Display P3) and cameras (Adobe RGB) embed.

The writer is checked against LittleCMS's built-in sRGB (tests/integration/test_colour_profiles.py):
the same code with sRGB's primaries and curve must give a transform of at most one level."""

from __future__ import annotations

import struct

import numpy as np

Chromaticity = tuple[float, float]
D65 = (0.3127, 0.3290)
D50_XYZ = np.array([0.9642, 1.0, 0.8249])  # the ICC profile connection space's white
BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)


def xyz(x: float, y: float) -> np.ndarray:
    return np.array([x / y, 1.0, (1 - x - y) / y])


def rgb_to_xyz_d50(
    primaries: tuple[Chromaticity, ...], white_point: Chromaticity = D65
) -> np.ndarray:
    """Linear RGB to XYZ with the space's white, Bradford-adapted to D50 (columns: R, G, B)."""
    columns = np.stack([xyz(*primary) for primary in primaries], axis=1)
    white = xyz(*white_point)
    matrix = columns * np.linalg.solve(columns, white)
    adapt = np.linalg.inv(BRADFORD) @ np.diag((BRADFORD @ D50_XYZ) / (BRADFORD @ white)) @ BRADFORD
    return adapt @ matrix


def srgb_curve(entries: int = 1024) -> list[float]:
    code = np.linspace(0.0, 1.0, entries)
    return list(np.where(code <= 0.04045, code / 12.92, ((code + 0.055) / 1.055) ** 2.4))


def s15(values: np.ndarray) -> bytes:
    return b"".join(struct.pack(">i", round(float(value) * 65536)) for value in values)


def xyz_tag(values: np.ndarray) -> bytes:
    return b"XYZ \0\0\0\0" + s15(values)


def curve_tag(gamma: float | None) -> bytes:
    """curveType: one u8Fixed8 gamma, or (None) a 1024-entry table of the sRGB curve."""
    if gamma is not None:
        return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))
    table = [round(value * 65535) for value in srgb_curve()]
    return b"curv\0\0\0\0" + struct.pack(f">I{len(table)}H", len(table), *table)


def desc_tag(text: str) -> bytes:
    """textDescriptionType: ASCII, then empty Unicode and ScriptCode parts (67 bytes)."""
    ascii_ = text.encode() + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + bytes(8 + 3 + 67)


def icc_profile(
    name: str,
    primaries: tuple[Chromaticity, ...],
    gamma: float | None = None,
    white_point: Chromaticity = D65,
) -> bytes:
    """An ICC v2 'mntr' RGB -> XYZ matrix/TRC profile (the sRGB curve when `gamma` is None)."""
    columns = rgb_to_xyz_d50(primaries, white_point).T
    curve = curve_tag(gamma)
    tags = [
        (b"desc", desc_tag(name)),
        (b"cprt", b"text\0\0\0\0No copyright\0"),
        (b"wtpt", xyz_tag(D50_XYZ)),
        *(
            (sig, xyz_tag(column))
            for sig, column in zip((b"rXYZ", b"gXYZ", b"bXYZ"), columns, strict=True)
        ),
        *((sig, curve) for sig in (b"rTRC", b"gTRC", b"bTRC")),  # each its own copy: simplest
    ]
    return assembled(b"RGB ", tags)


def assembled(space: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """An ICC v2 'mntr' profile of colour space `space` ("RGB ", "GRAY") to XYZ: its header,
    tag table and tags (signature, data)."""
    table_end = 128 + 4 + 12 * len(tags)
    entries, body = [], b""
    for sig, data in tags:
        entries.append(struct.pack(">4sII", sig, table_end + len(body), len(data)))
        body += data + bytes(-len(data) % 4)  # each tag starts on a 4-byte boundary
    size = table_end + len(body)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"lcms", 0x02100000, b"mntr", space, b"XYZ ")
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + bytes(24)  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + s15(D50_XYZ)
        + bytes(4 + 16 + 28)  # creator, profile id (v4 only), reserved
    )
    return header + struct.pack(">I", len(tags)) + b"".join(entries) + body
