"""What the retrain job needs, built only when it runs (the face mesh, torch): the dataset
exporter over the store and the CNN trainer writing into the models folder."""

from __future__ import annotations

import subprocess
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from metskin.domain.skinmodel.card import COMPANY_DATA

if TYPE_CHECKING:
    from metskin.bootstrap import Container
    from metskin.domain.skinmodel.model import SkinModelVersion

REPO = Path(__file__).resolve().parents[4]


def code_version() -> str:
    """`git describe` of the working tree when there is one, else the package version."""
    try:
        described = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    try:
        package = version("metskin")
    except PackageNotFoundError:
        package = "unknown"
    return f"{package}+{described}"[:64] if described else package


def retrain_if_due(container: Container) -> SkinModelVersion | None:
    from metskin.adapters.ml.skin_training import CnnTrainer
    from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
    from metskin.adapters.vision.images import decode_image, encode_png
    from metskin.domain.labels.export import DatasetExporter

    service = container.skin_models
    if service.new_labels() < container.settings.skin_retrain_min_labels:
        return None  # asked first: no face mesh, no torch
    landmarker = MediaPipeLandmarker()
    try:
        exporter = DatasetExporter(
            container.new_uow,
            container.storage,
            landmarker,
            partial(decode_image, long_side=1 << 20),
            encode_png,
            container.clock,
        )
        trainer = CnnTrainer(container.settings.models_dir, code_version(), (COMPANY_DATA,))
        return service.retrain_if_due(
            exporter.build, trainer, container.settings.skin_retrain_min_labels
        )
    finally:
        landmarker.close()
