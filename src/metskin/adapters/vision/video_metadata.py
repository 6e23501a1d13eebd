"""A video's metadata blanked before it is stored, as a photo's EXIF is dropped: a phone's MP4 or
QuickTime file carries where it was filmed (`©xyz` in `udta`, Apple's
`com.apple.quicktime.location.ISO6709` in `meta`, XMP in a `uuid` box), the phone's make and
model and its software. Whoever is shown the video (a dermatologist it is shared with) would
read the patient's location, often their home.

Each such box at the top level, in `moov` or in a `trak` becomes a `free` box of the same size
with zeroed content: nothing moves, so the sample tables' offsets into `mdat` stay right and
the picture is untouched (every reader skips `free`). A WebM (Matroska) file's title, recording
time, tags, attachments and chapters become Void elements the same way (`webm_metadata`).
"""

from __future__ import annotations

import struct

from metskin.adapters.vision.heif_items import boxes
from metskin.adapters.vision.video_tags import EBML
from metskin.adapters.vision.webm_metadata import blank_webm_metadata

BLANKED = frozenset({b"udta", b"meta", b"uuid"})
OPENED = {b"": frozenset({b"moov"}), b"moov": frozenset({b"trak"})}  # where they are looked for


def blank_video_metadata(data: bytes) -> bytes:
    """`data` with its metadata boxes turned into zeroed `free` boxes (the same length); a
    WebM's elements into Void elements."""
    if data.startswith(EBML):
        return blank_webm_metadata(data)
    out = bytearray(data)
    _blank(data, out, 0, len(data), b"")
    return bytes(out)


def _blank(data: bytes, out: bytearray, start: int, end: int, parent: bytes) -> None:
    at = start
    try:
        for kind, body, stop in boxes(data, start, end):
            if kind in BLANKED:
                out[at + 4 : at + 8] = b"free"
                out[body:stop] = bytes(stop - body)
            elif kind in OPENED.get(parent, ()):
                _blank(data, out, body, stop, kind)
            at = stop
    except (ValueError, struct.error):
        return  # a box that overruns its parent: what came before it is blanked
