"""Fixtures for the analysis tests: one MediaPipe landmarker for the session, real faces (their
landmarks and results measured once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.model import AnalysisResult
from tests.analysis.london import LONDON, SMILING, self_reported_groups
from tests.fakes.infra import FakeLandmarker


@dataclass(frozen=True, eq=False)
class RealFace:
    path: Path
    face_id: str
    group: str  # self-reported: a sanity check, never a label to fit
    rgb: np.ndarray
    landmarker: FakeLandmarker  # the landmarks found once on the photo as taken
    result: AnalysisResult


@pytest.fixture(scope="session")
def landmarker() -> Iterator[MediaPipeLandmarker]:
    found = MediaPipeLandmarker()
    yield found
    found.close()


@pytest.fixture(scope="session")
def london_paths() -> list[Path]:
    paths = sorted(LONDON.glob("*.jpg"))
    if not paths:
        pytest.skip("London faces not available")
    return paths


@pytest.fixture(scope="session")
def london_groups() -> dict[str, str]:
    return self_reported_groups()


@pytest.fixture(scope="session")
def london_face(london_paths: list[Path]) -> np.ndarray:
    return load_image(london_paths[0])


def measure(
    paths: list[Path], landmarker: MediaPipeLandmarker, groups: dict[str, str]
) -> dict[str, RealFace]:
    found = {}
    for path in paths:
        rgb = load_image(path)
        fixed = FakeLandmarker(landmarker.detect(rgb))
        face_id = path.name.split("_")[0]
        found[face_id] = RealFace(
            path, face_id, groups.get(face_id, "unknown"), rgb, fixed, analyse_image(rgb, fixed)
        )
    return found


@pytest.fixture(scope="session")
def london_results(landmarker, london_paths, london_groups) -> dict[str, RealFace]:
    """Every London Set face as photographed, analysed once per session."""
    return measure(london_paths, landmarker, london_groups)


@pytest.fixture(scope="session")
def smiling_results(landmarker, london_paths, london_groups) -> dict[str, RealFace]:
    """The same people smiling, same session (london-faces-smiling), analysed once."""
    paths = sorted(SMILING.glob("*.jpg"))
    if not paths:
        pytest.skip("London smiling faces not available")
    return measure(paths, landmarker, london_groups)


@pytest.fixture(scope="session")
def london_cases(london_results, smiling_results) -> list[tuple[Path, str, np.ndarray]]:
    """Every London face, neutral then smiling: (path, self-reported group, landmarks)."""
    return [
        (face.path, face.group, face.landmarker.faces[0])
        for face in [*london_results.values(), *smiling_results.values()]
    ]


@pytest.fixture(scope="session")
def every_london_result(london_results, smiling_results) -> list[tuple[Path, str, AnalysisResult]]:
    """Every London face, neutral then smiling, as analysed once: (path, group, result)."""
    return [
        (face.path, face.group, face.result)
        for face in [*london_results.values(), *smiling_results.values()]
    ]


@pytest.fixture(scope="module", params=["neutral", "smiling"])
def london_set(request, london_results, smiling_results) -> dict[str, RealFace]:
    """The neutral London photos, then the smiling ones (for checks made on each set)."""
    return london_results if request.param == "neutral" else smiling_results
