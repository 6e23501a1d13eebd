"""How an AVIF, HEIC or lossy WebP upload was coded is read from its bytes (the AV1 frame's
base quantiser index, the figures `ffmpeg -bsf:v trace_headers` prints for these files; the
HEVC slice's QP; the VP8 frame's y_ac_qi) and kept with the JPEG it is stored as; an uploaded
JPEG cannot bring a note of its own."""

from __future__ import annotations

import io
import random

import pillow_heif
import pytest
from PIL import Image

from metskin.adapters.vision.av1_quantiser import base_q_index
from metskin.adapters.vision.bitstream import BoolDecoder
from metskin.adapters.vision.coding_note import read_coding
from metskin.adapters.vision.hevc_quantiser import slice_qp
from metskin.adapters.vision.ingest import prepare_photo
from metskin.adapters.vision.vp8_quantiser import webp_quantiser
from metskin.domain.analysis.compression import COARSE_QUANTISER, SourceCoding
from metskin.domain.analysis.media import AVIF, HEIC, JPEG, WEBP, MediaLimits
from tests.media_samples import face_jpeg


def avif_of_face(quality: int, side: int = 512) -> bytes:
    image = Image.open(io.BytesIO(face_jpeg(side)))
    buffer = io.BytesIO()
    image.save(buffer, format="AVIF", quality=quality)
    return buffer.getvalue()


@pytest.mark.parametrize(("quality", "quantiser"), [(90, 32), (75, 76), (74, 80), (30, 196)])
def test_an_avif_s_quantiser_is_read_from_its_bytes_and_stored_with_it(
    quality: int, quantiser: int
) -> None:
    data = avif_of_face(quality)
    assert base_q_index(data) == quantiser  # libavif: (100 - quality) * 2.55, in steps of 4
    stored = prepare_photo(data, AVIF, MediaLimits()).data
    assert read_coding(stored) == SourceCoding("av1", quantiser)
    assert SourceCoding("av1", quantiser).coarse is (quantiser >= 80)


@pytest.mark.parametrize(("quality", "quantiser"), [(90, 2), (50, 22), (45, 24), (30, 32)])
def test_a_heic_s_quantiser_is_read_from_its_bytes_and_stored_with_it(
    quality: int, quantiser: int
) -> None:
    buffer = io.BytesIO()
    image = Image.open(io.BytesIO(face_jpeg()))
    pillow_heif.from_pillow(image).save(buffer, format="HEIF", quality=quality)
    assert slice_qp(buffer.getvalue()) == quantiser  # libheif's x265: the first slice's QP
    stored = prepare_photo(buffer.getvalue(), HEIC, MediaLimits()).data
    assert read_coding(stored) == SourceCoding("hevc", quantiser)
    assert SourceCoding("hevc", quantiser).coarse is (quantiser >= 24)


def test_a_large_avif_in_tiles_is_read_too() -> None:
    data = avif_of_face(60, side=2400)  # libavif codes it in several tiles
    assert base_q_index(data) == 120


def test_no_note_on_other_photos_and_none_a_jpeg_brings_itself() -> None:
    assert read_coding(prepare_photo(face_jpeg(), JPEG, MediaLimits()).data) is None
    forged = io.BytesIO()
    Image.open(io.BytesIO(face_jpeg())).save(forged, "JPEG", comment=b"MetSkin coded: av1 q=250")
    assert read_coding(forged.getvalue()) == SourceCoding("av1", 250)  # as written...
    assert read_coding(prepare_photo(forged.getvalue(), JPEG, MediaLimits()).data) is None


def test_a_damaged_avif_gives_no_quantiser() -> None:
    data = avif_of_face(50)
    assert base_q_index(data[:300]) is None  # cut inside its boxes: no picture's bytes
    assert base_q_index(b"\x00\x00\x00\x08ftypavif") is None
    assert slice_qp(data) is None  # an AVIF has no HEVC picture


def webp_of_face(**options: object) -> bytes:
    image = Image.open(io.BytesIO(face_jpeg()))
    if options.pop("alpha", False):  # a corner cut out (an opaque alpha is dropped)
        image = image.convert("RGBA")
        image.paste((0, 0, 0, 0), (0, 0, 64, 64))
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", **options)
    return buffer.getvalue()


@pytest.mark.parametrize(("quality", "quantiser"), [(95, 6), (75, 36), (70, 39), (30, 68)])
def test_a_lossy_webp_s_quantiser_is_read_from_its_bytes_and_stored_with_it(
    quality: int, quantiser: int
) -> None:
    """libwebp's y_ac_qi (its coarsest segment's): the frame header's own value and the first
    of the four segments' absolute values agree (a misread header would not)."""
    data = webp_of_face(quality=quality)
    assert webp_quantiser(data) == quantiser
    stored = prepare_photo(data, WEBP, MediaLimits()).data
    assert read_coding(stored) == SourceCoding("vp8", quantiser)
    assert SourceCoding("vp8", quantiser).coarse is (quantiser >= COARSE_QUANTISER["vp8"])


def test_a_webp_with_alpha_or_animated_is_read_from_its_vp8_chunk() -> None:
    """VP8X files: the VP8 chunk after ALPH (a cut-out), an animation's first ANMF frame."""
    plain = webp_quantiser(webp_of_face(quality=40))
    assert plain is not None
    assert webp_of_face(quality=40, alpha=True)[12:16] == b"VP8X"
    assert webp_quantiser(webp_of_face(quality=40, alpha=True)) == plain
    image = Image.open(io.BytesIO(face_jpeg()))
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=40, save_all=True, append_images=[image.rotate(20)])
    assert b"ANMF" in buffer.getvalue()
    assert webp_quantiser(buffer.getvalue()) == plain


def test_a_lossless_or_damaged_webp_gives_no_quantiser() -> None:
    lossless = webp_of_face(lossless=True)
    assert webp_quantiser(lossless) is None
    assert read_coding(prepare_photo(lossless, WEBP, MediaLimits()).data) is None
    data = webp_of_face(quality=40)
    assert webp_quantiser(data[:24]) is None  # cut in the frame tag
    assert webp_quantiser(data[:40]) is None  # cut in the frame header's partition
    assert webp_quantiser(avif_of_face(50)) is None


def bool_encoded(bits: list[tuple[int, int]]) -> bytes:
    """RFC 6386 section 7.3's boolean encoder, written out here to check the decoder against."""
    out, low, width, count = bytearray(), 0, 255, 24

    def carry() -> None:
        at = len(out) - 1
        while out[at] == 255:
            out[at] = 0
            at -= 1
        out[at] += 1

    for bit, probability in [*bits, *[(0, 128)] * 32]:  # flushed with even-odds zeros
        split = 1 + (((width - 1) * probability) >> 8)
        if bit:
            low, width = low + split, width - split
        else:
            width = split
        while width < 128:
            width <<= 1
            if low & (1 << 31):
                carry()
            low = (low << 1) & 0xFFFFFFFF
            count -= 1
            if not count:
                out.append(low >> 24)
                low &= (1 << 24) - 1
                count = 8
    return bytes(out) + b"\0\0"


def test_the_boolean_decoder_reads_what_the_rfc_s_encoder_wrote() -> None:
    rng = random.Random(6386)
    bits = [(int(rng.random() < 0.3), rng.randint(1, 255)) for _ in range(3000)]
    decoder = BoolDecoder(bool_encoded(bits))
    assert [decoder.bool(probability) for _, probability in bits] == [b for b, _ in bits]
    values = [rng.randrange(128) for _ in range(50)]
    decoder = BoolDecoder(
        bool_encoded([((v >> (6 - i)) & 1, 128) for v in values for i in range(7)])
    )
    assert [decoder.literal(7) for _ in values] == values
