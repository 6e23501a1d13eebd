"""Generated media for tests: seeded, small, in memory."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data as skimage_data

from metskin.adapters.vision.webm_metadata import CLUSTER, INFO, TAGS, TRACKS, element


def noise_image(width: int, height: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))


# Light, medium and dark skin, then saturated red, green, blue and a grey: where a wider colour
# space read as sRGB is off most (skin loses b*) and least (grey).
PATCH_COLOURS = (
    (224, 172, 140), (198, 134, 96), (120, 75, 55),
    (210, 50, 45), (60, 170, 80), (50, 70, 190), (128, 128, 128),
)  # fmt: skip
PATCH = 32


def colour_patches() -> Image.Image:
    """A row of PATCH_COLOURS squares, each a gentle gradient (+-6 levels) around its colour:
    smooth, so that a lossy codec keeps each square's mean."""
    ramp = np.linspace(-6, 6, PATCH)[np.newaxis, :, np.newaxis] + np.zeros((PATCH, 1, 1))
    squares = [np.clip(np.array(colour) + ramp, 0, 255) for colour in PATCH_COLOURS]
    return Image.fromarray(np.concatenate(squares, axis=1).round().astype(np.uint8))


def patch_means(rgb: np.ndarray) -> np.ndarray:
    """Each PATCH-wide square's mean colour over its middle half (away from the seams between
    squares), left to right."""
    quarter = PATCH // 4
    middles = [
        rgb[quarter:-quarter, start + quarter : start + PATCH - quarter]
        for start in range(0, rgb.shape[1] - PATCH + 1, PATCH)
    ]
    return np.array([middle.reshape(-1, 3).mean(axis=0) for middle in middles])


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def jpeg_with_gps_and_rotation(width: int = 60, height: int = 40) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned 90 degrees
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    return encode(noise_image(width, height), "JPEG", exif=exif.tobytes())


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="{o}" '
    b'photoshop:City="Hackney"/></rdf:RDF></x:xmpmeta>'
)


def jpeg_pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def camera_jpeg(
    orientation: int | None = 1, xmp_orientation: int | None = 1, **options: object
) -> bytes:
    """A face as a phone would save it: EXIF with GPS and maker, XMP, an ICC profile, a
    comment, and a second picture behind the end marker (as MPF depth maps are)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    face = Image.open(io.BytesIO(face_jpeg(256))).resize((240, 180))
    data = encode(
        face,
        "JPEG",
        quality=90,
        exif=exif.tobytes(),
        xmp=XMP.replace(b"{o}", str(xmp_orientation).encode() if xmp_orientation else b""),
        icc_profile=b"ICC-serial-XY1234" * 8,
        comment=b"taken at 10 Downing Street",
        **options,
    )
    return data + encode(noise_image(32, 32), "JPEG")


def face_jpeg(side: int = 512) -> bytes:
    """The astronaut photo that ships with scikit-image (a real, frontal face)."""
    image = Image.fromarray(skimage_data.astronaut())
    return encode(image.resize((side, side)), "JPEG", quality=92)


def portrait_jpeg(side: int = 512) -> bytes:
    """The same photo framed on the head (the face fills the frame, not FACE_TOO_SMALL)."""
    image = Image.fromarray(skimage_data.astronaut()).crop((100, 0, 412, 312))
    return encode(image.resize((side, side)), "JPEG", quality=92)


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's first bytes)."""
    png = bytearray(encode(noise_image(4, 4), "PNG"))
    ihdr = png[16:29]
    patched = struct.pack(">II", width, height) + bytes(ihdr[8:])
    png[16:29] = patched
    png[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + patched) & 0xFFFFFFFF)
    return bytes(png)


def video_bytes(width: int, height: int, fps: float, seconds: float, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
        for _ in range(round(fps * seconds)):
            writer.write(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
        writer.release()
        return path.read_bytes()


def face_video_bytes(
    fps: float = 10, seconds: float = 3, side: int = 256, face_in: range | None = None
) -> bytes:
    """The astronaut face drifting slowly across the frame; `face_in`: only in these frames,
    the others a room without a face (smooth seeded noise: the camera on a wall)."""
    face = cv2.cvtColor(cv2.resize(skimage_data.astronaut(), (side, side)), cv2.COLOR_RGB2BGR)
    noise = np.random.default_rng(0).integers(40, 200, (side, side, 3), dtype=np.uint8)
    room = cv2.GaussianBlur(noise, (31, 31), 0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "face.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (side, side))
        for index in range(round(fps * seconds)):
            if face_in is not None and index not in face_in:
                writer.write(room)
                continue
            shift = np.float32([[1, 0, index % 7 - 3], [0, 1, 0]])
            writer.write(cv2.warpAffine(face, shift, (side, side), borderMode=cv2.BORDER_REFLECT))
        writer.release()
        return path.read_bytes()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def tracks_mp4(*handlers: bytes, brand: bytes = b"M4A ") -> bytes:
    """An MP4 whose tracks have these handler types (`soun`: a voice memo's M4A), with no
    sample tables: what matters is what it holds, as a phone's recorder writes it; no reader
    can play it."""
    traks = b"".join(
        _box(
            b"trak",
            _box(b"tkhd", bytes(84))
            + _box(
                b"mdia",
                _box(b"mdhd", bytes(24))
                + _box(b"hdlr", bytes(8) + handler + bytes(12) + b"Handler\x00"),
            ),
        )
        for handler in handlers
    )
    ftyp = _box(b"ftyp", brand + bytes(4) + brand + b"isom")
    noise = np.random.default_rng(7).bytes(2000)
    return ftyp + _box(b"moov", _box(b"mvhd", bytes(100)) + traks) + _box(b"mdat", noise)


def tracks_webm(*track_types: int) -> bytes:
    """The start of a WebM whose tracks have these types (1 video, 2 audio): a browser's
    recording of sound only, cut short."""
    header = b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm"
    entries = b"".join(b"\xae\x86\xd7\x81\x01\x83\x81" + bytes([kind]) for kind in track_types)
    return header + b"\x16\x54\xae\x6b" + bytes([0x80 | len(entries)]) + entries + bytes(64)


LOCATION = b"+51.5074-000.1278+010.000/"  # ISO 6709, as a phone writes where it filmed
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def video_with_location(data: bytes) -> bytes:
    """`data` (an MP4 whose `moov` is its last box, as OpenCV writes it) as a phone leaves it:
    `udta` with `©xyz` and the make and model, Apple's `meta` location key, and an XMP `uuid`
    box at the top level, each holding LOCATION."""
    moov = data.rfind(b"moov") - 4
    assert struct.unpack_from(">I", data, moov)[0] == len(data) - moov, "moov is not last"
    udta = _box(
        b"udta",
        _box(b"\xa9xyz", struct.pack(">HH", len(LOCATION), 0x15C7) + LOCATION)
        + _box(b"\xa9mak", b"\x00\x05\x15\xc7Apple")
        + _box(b"\xa9mod", b"\x00\x0a\x15\xc7iPhone 15 "),
    )
    key = b"com.apple.quicktime.location.ISO6709"
    meta = _box(
        b"meta",
        _box(b"hdlr", bytes(8) + b"mdta" + bytes(12) + b"\x00")
        + _box(b"keys", bytes(4) + struct.pack(">I", 1) + _box(b"mdta", key))
        + _box(b"ilst", _box(struct.pack(">I", 1), _box(b"data", bytes(8) + LOCATION))),
    )
    body = data[moov + 8 :] + udta + meta
    xmp = _box(b"uuid", XMP_UUID + b"<x:xmpmeta><exif:GPSLatitude>" + LOCATION + b"</x:xmpmeta>")
    return data[:moov] + _box(b"moov", body) + xmp


WEBM_TITLE, CHAPTER = b"Kitchen at home", b"Mole on left cheek"
# ffmpeg's own name (MuxingApp, WritingApp, the ENCODER tags) and the cover's file name
WEBM_TOLD = (WEBM_TITLE, LOCATION, b"secret comment", b"Lavf", b"Lavc")
MKV_TOLD = (*WEBM_TOLD, CHAPTER, b"cover.jpg")
UNKNOWN_SIZE = bytes.fromhex("01ffffffffffffff")


def ffmpeg_webm(matroska: bool = False, live: bool = False) -> bytes:
    """A lossless VP9 clip of ffmpeg's test picture (96 x 64, ten frames at 10 fps) with a title,
    the recording time, LOCATION and a comment; `matroska`: an MKV with a cover picture attached
    and a chapter (WebM takes neither); `live`: the muxer's live mode, several clusters."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "cover.jpg").write_bytes(encode(noise_image(8, 8), "JPEG"))
        (folder / "chapters.txt").write_bytes(
            b";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=" + CHAPTER
        )
        command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10"]
        command += ["-i", str(folder / "chapters.txt"), "-map", "0", "-map_chapters", "1"]
        command += ["-frames:v", "10", "-c:v", "libvpx-vp9", "-lossless", "1"]
        for key, value in (
            ("title", WEBM_TITLE), ("creation_time", b"2026-11-30T10:00:00Z"),
            ("location", LOCATION), ("comment", b"secret comment"),
        ):  # fmt: skip
            command += ["-metadata", f"{key}={value.decode()}"]
        if matroska:
            command += [
                "-attach",
                str(folder / "cover.jpg"),
                "-metadata:s:t",
                "mimetype=image/jpeg",
            ]
        if live:
            command += ["-f", "webm", "-live", "1", "-cluster_time_limit", "300"]
        out = folder / ("clip.mkv" if matroska else "clip.webm")
        subprocess.run([*command, str(out)], check=True, timeout=120)
        return out.read_bytes()


def as_a_browser_records(data: bytes) -> bytes:
    """ffmpeg's WebM written as a browser's MediaRecorder writes one: the Segment and every
    Cluster of unknown size, no SeekHead or Cues, and the Tags after the Clusters (where a
    recording's muxer writes them at its end)."""
    header_end = element(data, 0, len(data))[2]
    _, at, end = element(data, header_end, len(data))
    kept, clusters = {}, []
    while at < end:
        ident, body, stop = element(data, at, end)
        if ident == CLUSTER:
            clusters.append(data[at : at + 4] + UNKNOWN_SIZE + data[body:stop])
        kept[ident] = data[at:stop]
        at = stop
    segment = data[header_end : header_end + 4] + UNKNOWN_SIZE + kept[INFO] + kept[TRACKS]
    return data[:header_end] + segment + b"".join(clusters) + kept[TAGS]
