"""The EBML walker that blanks a WebM's metadata (`adapters/vision/webm_metadata.py`), on
hand-built bytes: every size width, a Void that needs a wider size field than the element it
replaces, unknown sizes (a browser's live recording), CRC-32 and SeekHead entries, and input
that is cut short or garbage, which must never raise nor change what cannot be read.
(tests/integration/test_webm_metadata.py: files ffmpeg writes, through the upload.)"""

from __future__ import annotations

import numpy as np
import pytest

from metskin.adapters.vision.webm_metadata import (
    MAX_ELEMENTS,
    blank_webm_metadata,
    element,
    vint,
    void,
)

UNKNOWN = bytes.fromhex("01ffffffffffffff")
HEADER = bytes.fromhex("1a45dfa3 84 4282 81 77")  # EBML header: DocType "w"
TITLE = b"Kitchen at home, 12 Elm Road"
PLACE = b"+51.5074-000.1278/"


def size(value: int, width: int = 1) -> bytes:
    """`value` as an EBML size field `width` bytes wide."""
    return ((1 << 7 * width) | value).to_bytes(width, "big")


def e(ident: str, body: bytes, width: int = 1) -> bytes:
    """An element: its ID (hex), its size `width` bytes wide, its body."""
    return bytes.fromhex(ident) + size(len(body), width) + body


def segment(*children: bytes, unknown: bool = False) -> bytes:
    body = b"".join(children)
    return HEADER + (
        bytes.fromhex("18538067") + UNKNOWN + body if unknown else e("18538067", body, 8)
    )


INFO = e("1549a966", e("2ad7b1", b"\x0f\x42\x40") + e("7ba9", TITLE) + e("4d80", b"Lavf59"))
FRAMES = e("a3", b"\x81\x00\x00\x80" + bytes(range(40)))  # a SimpleBlock
TAGS = e("1254c367", e("7373", e("67c8", e("45a3", b"LOCATION") + e("4487", PLACE))))


def voids(data: bytes, at: int, total: int) -> None:
    """The `total` bytes at `at` are one Void element, its body zero."""
    ident, body, stop = element(data, at, len(data))
    assert (ident, stop) == (0xEC, at + total) and not any(data[body:stop])


def test_sizes_of_every_width_are_read_and_their_title_voided() -> None:
    for width in range(1, 9):
        assert vint(size(5, width), 0, width) == ((1 << 7 * width) | 5, width)
        data = segment(e("1549a966", e("7ba9", TITLE, width), width), FRAMES)
        out = blank_webm_metadata(data)
        assert len(out) == len(data) and TITLE in data and TITLE not in out
        title = data.index(bytes.fromhex("7ba9"))
        voids(out, title, 2 + width + len(TITLE))
        assert out.endswith(FRAMES)


def test_a_void_is_as_long_as_the_element_it_replaces_its_size_field_as_wide_as_needed() -> None:
    # Tags: a 4-byte ID and a 1-byte size, 124 bytes of body: 129 in all, which a Void (1-byte
    # ID) cannot say with a 1-byte size (127 means "unknown"): its size field takes two
    tags = e("1254c367", e("7373", e("67c8", e("45a3", b"TITLE") + e("4487", bytes(107)))))
    assert len(tags) == 129
    out = blank_webm_metadata(segment(INFO, tags))
    assert out.endswith(bytes.fromhex("ec 407e") + bytes(126))
    for total in [*range(2, 300), 16_385, 16_386, 2_097_154, 2_097_155]:  # width edges
        made = void(total)
        assert len(made) == total
        voids(made, 0, total)


def test_info_tags_attachments_chapters_and_track_names_go_the_clusters_stay() -> None:
    attachments = e("1941a469", e("61a7", e("466e", b"cover.jpg") + e("465c", b"\xff\xd8JPEG")))
    chapters = e("1043a770", e("45b9", e("b6", e("80", e("85", b"Mole on left cheek")))))
    info = e("1549a966", e("7384", b"IMG_0042 Elm Road.webm") + e("4461", bytes(8)))
    track = e("1654ae6b", e("ae", e("d7", b"\x01") + e("536e", b"FaceTime HD Camera")))
    cluster = e("1f43b675", e("e7", b"\x00") + FRAMES + e("1254c367", b"not a tag"))
    data = segment(INFO, info, track, chapters, attachments, TAGS, cluster)
    out = blank_webm_metadata(data)
    for told in (TITLE, b"Lavf", b"Elm", b"cover.jpg", b"JPEG", b"Mole", PLACE, b"FaceTime"):
        assert told in data and told not in out
    assert out.endswith(cluster)  # a cluster's bytes are never read as metadata
    assert e("4d80", bytes(6)) in out  # MuxingApp is mandatory: kept, as an empty string
    assert blank_webm_metadata(out) == out  # a second pass changes nothing


def test_a_live_recording_s_unknown_sizes_are_walked_to_tags_after_the_clusters() -> None:
    clusters = [
        bytes.fromhex("1f43b675") + UNKNOWN + e("e7", bytes([n])) + FRAMES for n in range(3)
    ]
    data = segment(INFO, *clusters, TAGS, unknown=True)
    out = blank_webm_metadata(data)
    assert PLACE in data and PLACE not in out and TITLE not in out
    assert out[: -len(TAGS)] == blank_webm_metadata(segment(INFO, *clusters, unknown=True))
    assert b"".join(clusters) in out
    voids(out, len(out) - len(TAGS), len(TAGS))


def test_a_changed_element_s_checksum_is_voided_and_seek_entries_to_voided_elements() -> None:
    crc = e("bf", b"\x12\x34\x56\x78")
    seeks = e("4dbb", e("53ab", bytes.fromhex("1549a966")) + e("53ac", b"\x20")) + e(
        "4dbb", e("53ab", bytes.fromhex("1254c367")) + e("53ac", b"\x40")
    )
    tracks = e("1654ae6b", crc + e("ae", e("d7", b"\x01")))
    data = segment(e("114d9b74", crc + seeks), e("1549a966", crc + e("7ba9", TITLE)), tracks)
    out = blank_webm_metadata(data)
    assert crc not in out[: out.index(tracks)]  # in the SeekHead and Info: no longer matching
    assert tracks in out  # unchanged: its checksum holds
    assert seeks[: len(seeks) // 2] in out and bytes.fromhex("1254c367") not in out


def test_input_cut_short_or_garbage_never_raises_nor_changes_its_length() -> None:
    data = segment(INFO, e("1f43b675", FRAMES), TAGS)
    for cut in range(len(data)):
        out = blank_webm_metadata(data[:cut])
        assert len(out) == cut
    # cut inside the Tags: the Info before it is blanked, the cut Tags left as they are
    cut = data[: len(data) - 5]
    out = blank_webm_metadata(cut)
    assert TITLE not in out and out.endswith(cut[-len(TAGS) + 5 :])
    rng = np.random.default_rng(3)
    for _ in range(300):
        junk = HEADER[:4] + rng.bytes(int(rng.integers(0, 200)))
        assert len(blank_webm_metadata(junk)) == len(junk)
    assert blank_webm_metadata(b"") == b""


def test_a_file_of_tiny_elements_is_read_so_far_and_no_further() -> None:
    """A Cluster of unknown size is read element by element: 2-byte Voids would keep the upload
    busy (75 million in 150 MB, 1.3 us each): the walk ends after MAX_ELEMENTS."""
    for count, read_to_the_end in ((1000, True), (MAX_ELEMENTS, False)):
        cluster = bytes.fromhex("1f43b675") + UNKNOWN + bytes.fromhex("ec80") * count
        out = blank_webm_metadata(segment(INFO, cluster, TAGS, unknown=True))
        assert TITLE not in out and (PLACE not in out) == read_to_the_end


@pytest.mark.parametrize(
    "data",
    [
        segment(e("1549a966", e("7ba9", TITLE)[:-3])),  # a child overrunning its parent
        HEADER + bytes.fromhex("18538067") + b"\x00" + INFO,  # a size that is no number
        segment(bytes.fromhex("1549a966") + UNKNOWN + e("7ba9", TITLE)),  # unknown: not allowed
    ],
    ids=["overrun", "no-number", "unknown-info"],
)
def test_what_cannot_be_read_is_left_as_it_is(data: bytes) -> None:
    assert blank_webm_metadata(data) == data
