"""A WebM (Matroska) video's metadata blanked before it is stored, as an MP4's is
(`video_metadata`). Its Segment Info holds when it was recorded (DateUTC), a title, file names
and the software (sometimes the device) that wrote it; its Tags a title, the recording's date
and place, an encoder, comments; its Attachments a cover picture; its Chapters their titles; a
track its name. A dermatologist the video is shared with would read them.

Each such element becomes a Void element (which every reader skips) of the same total size, its
body zeroed: nothing moves, so the Cues' and SeekHead's offsets stay right and the frames are
untouched. MuxingApp and WritingApp are mandatory in Segment Info: they are kept, their text
zeroed (an empty string). A Seek entry pointing at a voided element is voided too, and so is
the CRC-32 of an element whose children changed (it would no longer match).

A live recording (a browser's MediaRecorder) has a Segment and Clusters of unknown size: the
Segment runs to the end of the file, a Cluster to the next element that is not one of its
children, so Tags written after the Clusters are found too. What cannot be read (a size that
overruns its parent, a truncated file, garbage; or MAX_ELEMENTS read) ends the walk there: what
came before it is blanked, the rest is left as it is.
"""

from __future__ import annotations

EBML, SEGMENT, CLUSTER, CUES = 0x1A45DFA3, 0x18538067, 0x1F43B675, 0x1C53BB6B
SEEK_HEAD, SEEK, SEEK_ID = 0x114D9B74, 0x4DBB, 0x53AB
INFO, TRACKS, TRACK_ENTRY = 0x1549A966, 0x1654AE6B, 0xAE
TAGS, ATTACHMENTS, CHAPTERS = 0x1254C367, 0x1941A469, 0x1043A770
TITLE, DATE_UTC, MUXING_APP, WRITING_APP, NAME = 0x7BA9, 0x4461, 0x4D80, 0x5741, 0x536E
FILENAMES = {0x7384, 0x3C83AB, 0x3E83BB}  # the Segment's, the previous and the next one's
VOID, CRC32 = 0xEC, 0xBF
FILE = 0  # the parent of the EBML header and the Segment

VOIDED = {
    SEGMENT: {TAGS, ATTACHMENTS, CHAPTERS},
    INFO: {TITLE, DATE_UTC, *FILENAMES},
    TRACK_ENTRY: {NAME},
}
EMPTIED = {INFO: {MUXING_APP, WRITING_APP}}  # mandatory: kept, as empty strings
OPENED = {FILE: {SEGMENT}, SEGMENT: {SEEK_HEAD, INFO, TRACKS}, TRACKS: {TRACK_ENTRY}}
# What ends a Cluster of unknown size: the Segment's other children, a next Segment
SEGMENT_LEVEL = {SEEK_HEAD, INFO, TRACKS, CHAPTERS, CLUSTER, CUES, ATTACHMENTS, TAGS, EBML, SEGMENT}
# The elements read in a file at the most: a live recording's Clusters are read block by block
# (a minute at 60 fps with sound is about 7,000); a file of tiny elements (2 bytes each, 1.3 us
# to read) must not keep the upload busy for minutes. Past it the walk ends as on garbage.
MAX_ELEMENTS = 200_000


def blank_webm_metadata(data: bytes) -> bytes:
    """`data` with its metadata elements turned into zeroed Void elements (the same length)."""
    out = bytearray(data)
    _Walk(data).blank(out, 0, len(data), FILE)
    return bytes(out)


def element(data: bytes, at: int, end: int) -> tuple[int, int, int]:
    """The ID, body start and end of the element at `at` (within `end`); ValueError when it is
    not one, overruns `end`, or has an unknown size where only a Segment (to `end`) or a Cluster
    (to the next element not its child) may."""
    return _Walk(data).element(at, end)


class _Walk:
    """One file's elements, read MAX_ELEMENTS at the most."""

    def __init__(self, data: bytes) -> None:
        self.data, self.left = data, MAX_ELEMENTS

    def blank(self, out: bytearray, start: int, end: int, parent: int) -> bool:
        """Blank what `parent`'s children (start..end) hold; whether anything was written."""
        written, checksums, at = False, [], start
        try:
            while at < end:
                ident, body, stop = self.element(at, end)
                if ident in VOIDED.get(parent, ()) or (ident == SEEK and self.seeks(body, stop)):
                    out[at:stop] = void(stop - at)
                    written = True
                elif ident in EMPTIED.get(parent, ()):
                    written |= any(self.data[body:stop])
                    out[body:stop] = bytes(stop - body)
                elif ident in OPENED.get(parent, ()):
                    written |= self.blank(out, body, stop, ident)
                elif ident == CRC32:
                    checksums.append((at, stop))
                at = stop
        except ValueError:
            pass  # unreadable from here on: left as it is
        for at, stop in checksums if written else ():
            out[at:stop] = void(stop - at)
        return written

    def seeks(self, start: int, end: int) -> bool:
        """Whether a Seek entry's body (start..end) points at a voided element (its SeekID)."""
        at = start
        while at < end:
            ident, body, stop = self.element(at, end)
            if ident == SEEK_ID:
                return int.from_bytes(self.data[body:stop], "big") in VOIDED[SEGMENT]
            at = stop
        return False

    def element(self, at: int, end: int) -> tuple[int, int, int]:
        self.left -= 1
        if self.left < 0:
            raise ValueError("too many elements")
        ident, id_width = vint(self.data, at, end)
        if id_width > 4:
            raise ValueError("not an element ID")
        size, size_width = vint(self.data, at + id_width, end)
        body = at + id_width + size_width
        size &= (1 << 7 * size_width) - 1  # the width marker off
        if size == (1 << 7 * size_width) - 1:  # all ones: unknown
            if ident == SEGMENT:
                return ident, body, end
            if ident == CLUSTER:
                return ident, body, self.cluster_end(body, end)
            raise ValueError("an unknown size where none is allowed")
        if body + size > end and ident != SEGMENT:  # a Segment cut short: to the end of the file
            raise ValueError("the element overruns its parent")
        return ident, body, min(body + size, end)

    def cluster_end(self, at: int, end: int) -> int:
        """Where a Cluster of unknown size whose body starts at `at` ends."""
        while at < end:
            if vint(self.data, at, end)[0] in SEGMENT_LEVEL:
                return at
            at = self.element(at, end)[2]
        return end


def vint(data: bytes, at: int, end: int) -> tuple[int, int]:
    """The EBML variable-length integer at `at` (its bits, the width marker still set) and its
    width, 1 to 8 bytes; ValueError when it is truncated or its first byte is zero."""
    width = 9 - data[at].bit_length() if at < end else 9
    if width > 8 or at + width > end:
        raise ValueError("not an EBML number")
    return int.from_bytes(data[at : at + width], "big"), width


def void(total: int) -> bytes:
    """A Void element `total` bytes long (2 at least), its body zeroed: its size field as wide
    as it must be (a size of all ones would say "unknown")."""
    width = next(w for w in range(1, 9) if total - 1 - w < (1 << 7 * w) - 1)
    size = total - 1 - width
    return bytes([VOID]) + ((1 << 7 * width) | size).to_bytes(width, "big") + bytes(size)
