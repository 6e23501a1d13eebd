"""How coarsely a HEIC photo was coded: the luma quantiser (QP, 0-51 at 8 bits: 0 keeps every
detail) of its first slice, read from the file's bytes without decoding it.

As with AV1 (`av1_quantiser`), HEVC has no fixed 8 x 8 grid for `compression.blockiness`, and a
strongly compressed HEIC's skin reads as smoothed. The primary picture (a grid's first tile,
as phones store them) is found by `heif_items`; its parameter sets are in the `hvcC` property.
QP = 26 + the picture parameter set's init_qp_minus26 + the slice's slice_qp_delta (H.265
7.3.2.2 and 7.3.2.3 for the parameter sets, 7.3.6.1 for the slice header). Only an IDR slice's
header is read (what encoders write for a still picture); anything else gives None.
"""

from __future__ import annotations

import struct

from metskin.adapters.vision.bitstream import BitReader
from metskin.adapters.vision.heif_items import first_property, picture_item

SPS, PPS = 33, 34
IDR_TYPES = (19, 20)  # IDR_W_RADL, IDR_N_LP
I_SLICE = 2


def _rbsp(nal: bytes) -> BitReader:
    """A NAL unit's payload after its 2-byte header, emulation prevention bytes removed."""
    return BitReader(nal[2:].replace(b"\x00\x00\x03", b"\x00\x00"))


def slice_qp(data: bytes) -> int | None:
    """The first slice's luma QP of a HEIC file's primary picture, or None."""
    try:
        config, item = first_property(data, b"hvcC"), picture_item(data, b"hvc1")
        if config is None or item is None:
            return None
        nals, length_size = _parameter_sets(config)
        return _qp(item, length_size, nals)
    except (IndexError, ValueError, struct.error):
        return None


def _parameter_sets(config: bytes) -> tuple[dict[int, bytes], int]:
    """The first SPS and PPS in an `hvcC` body, by NAL type, and the NAL length field's size."""
    length_size = (config[21] & 3) + 1
    found: dict[int, bytes] = {}
    at = 23
    for _ in range(config[22]):
        kind, count = config[at] & 0x3F, struct.unpack_from(">H", config, at + 1)[0]
        at += 3
        for _ in range(count):
            size = struct.unpack_from(">H", config, at)[0]
            found.setdefault(kind, config[at + 2 : at + 2 + size])
            at += 2 + size
    return found, length_size


def _qp(item: bytes, length_size: int, nals: dict[int, bytes]) -> int | None:
    at = 0
    while at + length_size <= len(item):
        size = int.from_bytes(item[at : at + length_size], "big")
        nal = item[at + length_size : at + length_size + size]
        at += length_size + size
        kind = (nal[0] >> 1) & 0x3F
        nals.setdefault(kind, nal)  # parameter sets in the item itself, if not in `hvcC`
        if kind < 32:  # the first picture's slice
            if kind not in IDR_TYPES or SPS not in nals or PPS not in nals:
                return None
            return _slice_qp(_rbsp(nal), _sps(_rbsp(nals[SPS])), _pps(_rbsp(nals[PPS])))
    return None


def _sps(bits: BitReader) -> tuple[int, bool]:
    """ChromaArrayType, and whether sample adaptive offset is on."""
    bits.f(4)  # sps_video_parameter_set_id
    sub_layers = bits.f(3)
    bits.f(1)  # sps_temporal_id_nesting_flag
    _profile_tier_level(bits, sub_layers)
    bits.ue()  # sps_seq_parameter_set_id
    chroma = bits.ue()
    if chroma == 3 and bits.f(1):  # separate_colour_plane_flag: not met in photos
        raise ValueError("colour planes coded apart")
    bits.ue(), bits.ue()  # width, height
    if bits.f(1):  # conformance_window_flag
        for _ in range(4):
            bits.ue()
    bits.ue(), bits.ue(), bits.ue()  # bit depths, log2_max_pic_order_cnt_lsb_minus4
    every = bits.f(1)  # sps_sub_layer_ordering_info_present_flag
    for _ in range(sub_layers + 1 if every else 1):
        bits.ue(), bits.ue(), bits.ue()
    for _ in range(6):  # coding and transform block sizes, transform hierarchy depths
        bits.ue()
    if bits.f(1) and bits.f(1):  # scaling_list_enabled_flag, sps_scaling_list_data_present
        _scaling_lists(bits)
    bits.f(1)  # amp_enabled_flag
    return chroma, bool(bits.f(1))


def _profile_tier_level(bits: BitReader, sub_layers: int) -> None:
    bits.f(88 + 8)  # the general profile, its flags and level
    present = [(bits.f(1), bits.f(1)) for _ in range(sub_layers)]
    if sub_layers:
        bits.f(2 * (8 - sub_layers))
    for profile, level in present:
        bits.f(88 * profile + 8 * level)


def _scaling_lists(bits: BitReader) -> None:
    for size in range(4):
        for _ in range(0, 6, 3 if size == 3 else 1):
            if not bits.f(1):  # scaling_list_pred_mode_flag
                bits.ue()
                continue
            if size > 1:
                bits.se()
            for _ in range(min(64, 1 << (4 + (size << 1)))):
                bits.se()


def _pps(bits: BitReader) -> tuple[bool, int, bool, int]:
    """Dependent slices on, extra slice header bits, output flag present, init_qp_minus26."""
    bits.ue(), bits.ue()  # pps and sps ids
    dependent, output, extra = bool(bits.f(1)), bool(bits.f(1)), bits.f(3)
    bits.f(2)  # sign_data_hiding_enabled_flag, cabac_init_present_flag
    bits.ue(), bits.ue()  # num_ref_idx_l0/l1_default_active_minus1
    return dependent, extra, output, bits.se()


def _slice_qp(
    bits: BitReader, sps: tuple[int, bool], pps: tuple[bool, int, bool, int]
) -> int | None:
    chroma, sao = sps
    _dependent, extra, output, init_qp = pps
    if not bits.f(1):  # first_slice_segment_in_pic_flag
        return None
    bits.f(1)  # no_output_of_prior_pics_flag (an IDR picture)
    bits.ue()  # slice_pic_parameter_set_id
    bits.f(extra)
    if bits.ue() != I_SLICE:
        return None
    if output:
        bits.f(1)  # pic_output_flag
    if sao:
        bits.f(2 if chroma else 1)  # slice_sao_luma_flag, slice_sao_chroma_flag
    return 26 + init_qp + bits.se()
