"""How coarsely an AVIF photo was coded: the AV1 frame's base quantiser index (`base_q_idx`,
0-255: 0 keeps every detail, 255 the fewest), read from the file's bytes without decoding it.

AV1 has no fixed block grid for `compression.blockiness` to find: a strongly compressed AVIF
comes out smooth, and its skin read as a beauty filter's. The encoder's own quantiser says what
the pixels cannot. The primary picture's item (or, for a grid of tiles, the first tile) is
found in the HEIF boxes (`pitm`, `iinf`, `iloc`), then its OBUs are read: the sequence header
(AV1 specification 5.5) and the key frame's uncompressed header (5.9) up to
`quantization_params`. Anything unexpected gives None: the photo is then judged on its pixels
as before.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from metskin.adapters.vision.bitstream import BitReader
from metskin.adapters.vision.heif_items import first_property, picture_item

SEQUENCE_HEADER, FRAME_HEADER, FRAME = 1, 3, 6
KEY_FRAME, INTRA_ONLY, SWITCH_FRAME = 0, 2, 3
SELECT = 2  # seq_force_screen_content_tools / seq_force_integer_mv: chosen per frame
MAX_TILE_WIDTH, MAX_TILE_AREA, MAX_TILE_COLS, MAX_TILE_ROWS = 4096, 4096 * 2304, 64, 64


@dataclass
class _Sequence:
    reduced: bool = False
    timing: bool = False
    equal_interval: bool = False
    decoder_model: bool = False
    presentation_bits: int = 0
    removal_bits: int = 0
    op_idc: tuple[int, ...] = ()
    op_model: tuple[bool, ...] = ()
    width_bits: int = 0
    height_bits: int = 0
    max_width: int = 0
    max_height: int = 0
    frame_ids: bool = False
    id_bits: int = 0
    sb128: bool = False
    order_hint_bits: int = 0
    screen_tools: int = SELECT
    integer_mv: int = SELECT
    superres: bool = False


def base_q_index(data: bytes) -> int | None:
    """The primary picture's base quantiser index of an AVIF file, or None."""
    try:
        item = picture_item(data, b"av01")
        if item is None:
            return None
        # the `av1C` property's configOBUs (after its 4 bytes) may hold the sequence header
        config = first_property(data, b"av1C") or b"\0\0\0\0"
        return _quantiser(config[4:] + item)
    except (IndexError, ValueError, struct.error):
        return None


def _obus(data: bytes) -> Iterator[tuple[int, int, int, bytes]]:
    """(type, temporal id, spatial id, payload) of each OBU (each with its size field)."""
    at = 0
    while at < len(data):
        header = data[at]
        kind, extension, sized = (header >> 3) & 15, header & 4, header & 2
        at += 1
        temporal = spatial = 0
        if extension:
            temporal, spatial = data[at] >> 5, (data[at] >> 3) & 3
            at += 1
        if not sized:
            raise ValueError("an OBU without its size")
        size = shift = 0
        while True:
            byte = data[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, temporal, spatial, data[at : at + size]
        at += size


def _quantiser(item: bytes) -> int | None:
    sequence = None
    for kind, temporal, spatial, payload in _obus(item):
        if kind == SEQUENCE_HEADER:
            sequence = _sequence(BitReader(payload))
        elif kind in (FRAME_HEADER, FRAME) and sequence is not None:
            return _frame_q(BitReader(payload), sequence, temporal, spatial)
    return None


def _sequence(bits: BitReader) -> _Sequence:
    seq = _Sequence()
    bits.f(3)  # seq_profile
    bits.f(1)  # still_picture
    seq.reduced = bool(bits.f(1))
    buffer_bits = 0
    if seq.reduced:
        bits.f(5)  # seq_level_idx[0]
        seq.op_idc, seq.op_model = (0,), (False,)
    else:
        seq.timing = bool(bits.f(1))
        if seq.timing:
            bits.f(64)  # num_units_in_display_tick, time_scale
            seq.equal_interval = bool(bits.f(1))
            if seq.equal_interval:
                bits.uvlc()
            seq.decoder_model = bool(bits.f(1))
            if seq.decoder_model:
                buffer_bits = bits.f(5) + 1
                bits.f(32)
                seq.removal_bits = bits.f(5) + 1
                seq.presentation_bits = bits.f(5) + 1
        initial_delay = bits.f(1)
        idc, model = [], []
        for _ in range(bits.f(5) + 1):
            idc.append(bits.f(12))
            if bits.f(5) > 7:
                bits.f(1)  # seq_tier
            present = seq.decoder_model and bool(bits.f(1))
            if present:
                bits.f(2 * buffer_bits + 1)
            model.append(present)
            if initial_delay and bits.f(1):
                bits.f(4)
        seq.op_idc, seq.op_model = tuple(idc), tuple(model)
    seq.width_bits, seq.height_bits = bits.f(4) + 1, bits.f(4) + 1
    seq.max_width, seq.max_height = bits.f(seq.width_bits) + 1, bits.f(seq.height_bits) + 1
    seq.frame_ids = not seq.reduced and bool(bits.f(1))
    if seq.frame_ids:
        delta, additional = bits.f(4) + 2, bits.f(3) + 1
        seq.id_bits = delta + additional
    seq.sb128 = bool(bits.f(1))
    bits.f(2)  # enable_filter_intra, enable_intra_edge_filter
    if not seq.reduced:
        bits.f(4)  # interintra, masked compound, warped motion, dual filter
        order_hint = bits.f(1)
        if order_hint:
            bits.f(2)  # jnt_comp, ref_frame_mvs
        seq.screen_tools = SELECT if bits.f(1) else bits.f(1)
        if seq.screen_tools > 0:
            seq.integer_mv = SELECT if bits.f(1) else bits.f(1)
        if order_hint:
            seq.order_hint_bits = bits.f(3) + 1
    seq.superres = bool(bits.f(1))
    return seq


def _frame_q(bits: BitReader, seq: _Sequence, temporal: int, spatial: int) -> int | None:
    frame_type, show_frame, resilient = KEY_FRAME, True, True
    if not seq.reduced:
        if bits.f(1):  # show_existing_frame
            return None
        frame_type, show_frame = bits.f(2), bool(bits.f(1))
        if show_frame and seq.decoder_model and not seq.equal_interval:
            bits.f(seq.presentation_bits)
        if not show_frame:
            bits.f(1)  # showable_frame
        keyed = frame_type == SWITCH_FRAME or (frame_type == KEY_FRAME and show_frame)
        resilient = keyed or bool(bits.f(1))
    if frame_type not in (KEY_FRAME, INTRA_ONLY):
        return None  # a still picture is intra
    disable_cdf = bits.f(1)
    screen = bits.f(1) if seq.screen_tools == SELECT else seq.screen_tools
    if screen and seq.integer_mv == SELECT:
        bits.f(1)  # force_integer_mv
    if seq.frame_ids:
        bits.f(seq.id_bits)
    override = 0 if seq.reduced else bits.f(1)
    bits.f(seq.order_hint_bits)
    if seq.decoder_model and bits.f(1):  # buffer_removal_time_present_flag
        for idc, present in zip(seq.op_idc, seq.op_model, strict=True):
            inside = (idc >> temporal) & 1 and (idc >> (spatial + 8)) & 1
            if present and (idc == 0 or inside):
                bits.f(seq.removal_bits)
    all_frames = frame_type == KEY_FRAME and show_frame
    if not all_frames:
        refresh = bits.f(8)
        if refresh != 0xFF and resilient and seq.order_hint_bits:
            bits.f(8 * seq.order_hint_bits)
    width, height = seq.max_width, seq.max_height
    if override:
        width, height = bits.f(seq.width_bits) + 1, bits.f(seq.height_bits) + 1
    upscaled = width
    if seq.superres and bits.f(1):  # use_superres: coded at a lower width
        denominator = bits.f(3) + 9
        width = (upscaled * 8 + denominator // 2) // denominator
    if bits.f(1):  # render_and_frame_size_different
        bits.f(32)
    if screen and upscaled == width:
        bits.f(1)  # allow_intrabc
    if not (seq.reduced or disable_cdf):
        bits.f(1)  # disable_frame_end_update_cdf
    _tile_info(bits, seq, width, height)
    return bits.f(8)


def _tile_log2(block: int, target: int) -> int:
    k = 0
    while (block << k) < target:
        k += 1
    return k


def _tile_info(bits: BitReader, seq: _Sequence, width: int, height: int) -> None:
    mi_cols, mi_rows = 2 * ((width + 7) >> 3), 2 * ((height + 7) >> 3)
    shift = 5 if seq.sb128 else 4
    sb_cols, sb_rows = (mi_cols + (1 << shift) - 1) >> shift, (mi_rows + (1 << shift) - 1) >> shift
    size = shift + 2
    max_width_sb, max_area_sb = MAX_TILE_WIDTH >> size, MAX_TILE_AREA >> (2 * size)
    min_cols_log2 = _tile_log2(max_width_sb, sb_cols)
    max_cols_log2 = _tile_log2(1, min(sb_cols, MAX_TILE_COLS))
    max_rows_log2 = _tile_log2(1, min(sb_rows, MAX_TILE_ROWS))
    min_log2 = max(min_cols_log2, _tile_log2(max_area_sb, sb_rows * sb_cols))
    if bits.f(1):  # uniform_tile_spacing_flag
        cols_log2 = min_cols_log2
        while cols_log2 < max_cols_log2 and bits.f(1):
            cols_log2 += 1
        rows_log2 = max(min_log2 - cols_log2, 0)
        while rows_log2 < max_rows_log2 and bits.f(1):
            rows_log2 += 1
    else:
        widest, start, cols = 0, 0, 0
        while start < sb_cols:
            step = bits.ns(min(sb_cols - start, max_width_sb)) + 1
            widest, start, cols = max(widest, step), start + step, cols + 1
        area = (sb_rows * sb_cols) >> (min_log2 + 1) if min_log2 else sb_rows * sb_cols
        tallest, start, rows = max(area // widest, 1), 0, 0
        while start < sb_rows:
            start, rows = start + bits.ns(min(sb_rows - start, tallest)) + 1, rows + 1
        cols_log2, rows_log2 = _tile_log2(1, cols), _tile_log2(1, rows)
    if cols_log2 or rows_log2:
        bits.f(cols_log2 + rows_log2 + 2)  # context_update_tile_id, tile_size_bytes_minus_1
