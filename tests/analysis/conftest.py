"""Fixtures for the analysis tests: one MediaPipe landmarker for the session, real faces."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.model import AnalysisResult
from tests.fakes_analysis import FakeLandmarker

LONDON = Path(__file__).resolve().parents[2].parent / "shared/data/london-faces"


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
    with (LONDON / "london_info.csv").open() as handle:
        return {row["face_id"]: row["face_eth"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="session")
def london_face(london_paths: list[Path]) -> np.ndarray:
    return load_image(london_paths[0])


SMILING = LONDON.parent / "london-faces-smiling"


@pytest.fixture(scope="session")
def london_cases(landmarker, london_paths, london_groups) -> list[tuple[Path, str, np.ndarray]]:
    """Every London face, neutral then smiling: (path, self-reported group, landmarks), with
    the landmarks detected once for the session."""
    cases = []
    for path in london_paths + sorted(SMILING.glob("*.jpg")):
        faces = landmarker.detect(load_image(path))
        if faces:
            cases.append((path, london_groups.get(path.name[:3], "unknown"), faces[0]))
    return cases


@pytest.fixture(scope="session")
def london_results(london_cases) -> list[tuple[Path, str, AnalysisResult]]:
    """`london_cases` analysed once for the session: (path, group, result)."""
    return [(path, group, analyse_image(load_image(path), FakeLandmarker([points])))
            for path, group, points in london_cases]
