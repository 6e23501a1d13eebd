"""What the retrain job needs, built only when it runs (the face mesh, torch): the dataset
exporter over the store and the CNN trainer writing into the models folder."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from metskin.domain.skinmodel.card import COMPANY_DATA

if TYPE_CHECKING:
    from metskin.domain.analysis.ports import MediaStorage
    from metskin.domain.labels.ports import LabelsUowFactory
    from metskin.domain.ports import Clock
    from metskin.domain.skinmodel.model import SkinModelVersion
    from metskin.domain.skinmodel.service import SkinModelService

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


@dataclass(frozen=True)
class Retraining:
    """The retrain job's wiring: the registry, the store the dataset is exported from, the
    models folder and how many new labels make a retrain due (a withdrawal makes one due
    whatever the count: `SkinModelService.retrain_due`)."""

    service: SkinModelService
    uow_factory: LabelsUowFactory
    storage: MediaStorage
    clock: Clock
    models_dir: Path
    min_new_labels: int

    def __call__(self) -> SkinModelVersion | None:
        return retrain_if_due(self)


def retrain_if_due(job: Retraining) -> SkinModelVersion | None:
    from metskin.adapters.ml.skin_training import CnnTrainer
    from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
    from metskin.adapters.vision.images import decode_image, encode_png
    from metskin.domain.labels.export import DatasetExporter

    service = job.service
    if not service.retrain_due(job.min_new_labels):
        return None  # asked first: no face mesh, no torch
    landmarker = MediaPipeLandmarker()
    try:
        exporter = DatasetExporter(
            job.uow_factory,
            job.storage,
            landmarker,
            partial(decode_image, long_side=1 << 20),
            encode_png,
            job.clock,
        )
        trainer = CnnTrainer(job.models_dir, code_version(), (COMPANY_DATA,))
        return service.retrain_if_due(exporter.build, trainer, job.min_new_labels, exporter.record)
    finally:
        landmarker.close()
