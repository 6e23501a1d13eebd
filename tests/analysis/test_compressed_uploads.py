"""A strongly compressed AVIF or HEIC was read as smoothed skin: FILTER_SUSPECTED, "turn off
beauty mode"; a strongly compressed WebP was named nothing. AV1, HEVC and VP8 leave no 8 x 8
grid for the JPEG check to see; the upload's quantiser (read from the file, kept with the
stored JPEG) now names it COMPRESSED, with its advice. Real
London faces through the upload (`prepare_photo`) and the engine adapter, as a person's photo
goes."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from metskin.adapters.vision.av1_quantiser import base_q_index
from metskin.adapters.vision.engine import VisionEngine
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.hevc_quantiser import slice_qp
from metskin.adapters.vision.images import load_image
from metskin.adapters.vision.ingest import prepare_photo
from metskin.adapters.vision.vp8_quantiser import webp_quantiser
from metskin.domain.analysis.guidance import GUIDANCE
from metskin.domain.analysis.media import AVIF, HEIC, WEBP, MediaLimits, MediaType
from metskin.domain.analysis.records import Media, MediaKind
from tests.analysis.degrade import VARIANTS
from tests.media_samples import encode

# Faces whose AVIF at ffmpeg's crf 40 read FILTER_SUSPECTED before (001, 010 and 083: all three)
FACES = ("001", "010", "083")


def avif(rgb: np.ndarray, quality: int) -> bytes:
    return encode(Image.fromarray(rgb), "AVIF", quality=quality)


def heic(rgb: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.fromarray(rgb)).save(buffer, format="HEIF", quality=quality)
    return buffer.getvalue()


def ffmpeg_avif(path: Path, crf: int, folder: Path) -> bytes:
    """As `ffmpeg -i face.jpg -c:v libaom-av1 -crf 40 x.avif` makes it (its default speed)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    out = folder / f"{path.stem}-crf{crf}.avif"
    command = ["ffmpeg", "-v", "error", "-y", "-i", str(path), "-c:v", "libaom-av1"]
    subprocess.run([*command, "-crf", str(crf), str(out)], check=True, timeout=120)
    return out.read_bytes()


def analysed(
    landmarker: MediaPipeLandmarker, data: bytes, kind: MediaType = AVIF
) -> dict[str, Any]:
    """The codes and guidance of the stored result of an upload."""
    prepared = prepare_photo(data, kind, MediaLimits())
    media = Media(
        "m1", "p1", MediaKind.PHOTO, "image/jpeg", len(prepared.data), prepared.width,
        prepared.height, "uploads/m1/original.jpg", "uploads/m1/thumbnail.jpg", "k", "s",
        datetime.now(UTC),
    )  # fmt: skip
    output = VisionEngine(landmarker).run(media, prepared.data, lambda *_: None, None)
    return {item["code"]: item for item in output.result["quality"]}


@pytest.fixture(scope="module")
def faces(london_paths: list[Path]) -> list[Path]:
    return [p for p in london_paths if p.name[:3] in FACES]


def test_a_strongly_compressed_avif_is_named_compressed_not_a_beauty_filter(
    landmarker: MediaPipeLandmarker, faces: list[Path], tmp_path: Path
) -> None:
    for path in faces:
        rgb = load_image(path)
        for made, data in (
            ("ffmpeg crf 40", ffmpeg_avif(path, 40, tmp_path)),
            ("quality 30", avif(rgb, 30)),
        ):
            told = analysed(landmarker, data)
            # Before: FILTER_SUSPECTED, "turn off beauty mode", on all six
            assert "FILTER_SUSPECTED" not in told, (path.name, made)
            assert told["COMPRESSED"]["guidance"] == GUIDANCE["COMPRESSED"][1], (path.name, made)
            assert told["COMPRESSED"]["value"] == base_q_index(data)


def test_a_strongly_compressed_heic_is_named_compressed_and_quality_50_passes(
    landmarker: MediaPipeLandmarker, faces: list[Path]
) -> None:
    for path in faces:
        rgb = load_image(path)
        data = heic(rgb, 30)
        told = analysed(landmarker, data, HEIC)
        assert "FILTER_SUSPECTED" not in told and "COMPRESSED" in told, path.name
        assert told["COMPRESSED"]["value"] == slice_qp(data) == 32
        passed = analysed(landmarker, heic(rgb, 50), HEIC)
        assert not {"COMPRESSED", "FILTER_SUSPECTED"} & set(passed), path.name


def test_avifs_saved_at_quality_75_to_90_pass(
    landmarker: MediaPipeLandmarker, faces: list[Path]
) -> None:
    for path in faces:
        rgb = load_image(path)
        for quality in (75, 90):
            told = analysed(landmarker, avif(rgb, quality))
            assert not {"COMPRESSED", "FILTER_SUSPECTED"} & set(told), (path.name, quality)


def test_a_beauty_filter_on_a_high_quality_avif_is_still_a_filter(
    landmarker: MediaPipeLandmarker, faces: list[Path]
) -> None:
    for path in faces:
        rgb = load_image(path)
        smoothed = VARIANTS["beauty filter"](rgb, landmarker.detect(rgb)[0], 7)
        told = analysed(landmarker, avif(smoothed, 90))
        assert "FILTER_SUSPECTED" in told and "COMPRESSED" not in told, path.name


def webp(rgb: np.ndarray, quality: int) -> bytes:
    return encode(Image.fromarray(rgb), "WEBP", quality=quality)


def test_a_strongly_compressed_webp_is_named_compressed(
    landmarker: MediaPipeLandmarker, faces: list[Path]
) -> None:
    """Before: a lossy WebP's quantiser was not read, and the stored JPEG shows no grid: the
    same photo was named as a JPEG, an AVIF or a HEIC, never as a WebP (a messenger's). From
    quality 80 (libwebp's index 27) it is named; at 75 (its default, 36) 8 of the 102 London
    faces were refused as a beauty filter ("turn off beauty mode"), now as COMPRESSED."""
    for path in faces:
        for quality in (30, 75, 80):
            data = webp(load_image(path), quality)
            told = analysed(landmarker, data, WEBP)
            assert "FILTER_SUSPECTED" not in told, (path.name, quality)
            assert told["COMPRESSED"]["value"] == webp_quantiser(data), (path.name, quality)


def test_webps_saved_at_quality_85_and_more_are_not_named(
    landmarker: MediaPipeLandmarker, faces: list[Path]
) -> None:
    """Quality 85 (VP8 index 20) and finer are not named. Before, the stored JPEG's grid was
    read: 083 at quality 90 read 1.457, named (4 of 102 London faces at 90, 1 at 85); a coded
    upload's grid is no longer read, as for AVIF and HEIC."""
    for path in faces:
        rgb = load_image(path)
        for quality in (85, 90):
            told = analysed(landmarker, webp(rgb, quality), WEBP)
            assert "COMPRESSED" not in told, (path.name, quality)
            assert "FILTER_SUSPECTED" not in told, (path.name, quality)
