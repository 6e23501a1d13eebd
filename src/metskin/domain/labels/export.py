"""Exporting the dataset: the labelled analyses of consenting people, their region patches cut
from the stored photo (the stored result keeps only the face box, so the face mesh runs again
on the photo), and the record of who entered which version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from metskin.domain.analysis.ports import ObjectMissing
from metskin.domain.analysis.records import AnalysisStatus, MediaKind
from metskin.domain.errors import DomainError
from metskin.domain.labels.dataset import (
    Dataset,
    LabelledAnalysis,
    engine_readings,
    largest_face,
    sample_of,
    version_of,
)
from metskin.domain.labels.model import Label
from metskin.domain.ports import read

if TYPE_CHECKING:
    from metskin.domain.analysis.ports import FaceLandmarker, MediaStorage
    from metskin.domain.labels.ports import LabelsUnitOfWork, LabelsUowFactory
    from metskin.domain.ports import Clock


@dataclass(frozen=True)
class DatasetExporter:
    """`decode` turns the stored photo into RGB at its stored size, `encode_png` a patch to PNG."""

    uow_factory: LabelsUowFactory
    storage: MediaStorage
    landmarker: FaceLandmarker
    decode: Callable[[bytes], np.ndarray]
    encode_png: Callable[[np.ndarray], bytes]
    clock: Clock

    def build(self) -> Dataset:
        """The dataset of the store as it is now (nothing is written)."""
        dataset = Dataset()
        items = read(self.uow_factory, lambda uow: _labelled(uow, dataset))
        for item, storage_name, size in items:
            self._add(dataset, item, storage_name, size)
        return dataset

    def record(self, dataset: Dataset) -> str:
        """Write down who entered this version (erasure deletes a person's rows)."""
        version = version_of(dataset.content_hash())
        with self.uow_factory() as uow:
            new = set()
            for subject in sorted(dataset.subjects):
                if version not in uow.dataset_members.versions_of(subject):
                    new.add(subject)
            uow.dataset_members.record(version, sorted(new), self.clock())
            uow.commit()
        return version

    def _add(
        self,
        dataset: Dataset,
        item: LabelledAnalysis,
        storage_name: str,
        size: tuple[int, int],
    ) -> None:
        try:
            rgb = self.decode(self.storage.get(storage_name))
        except ObjectMissing:
            dataset.skipped["photo_missing"] += 1
            return
        except DomainError:
            dataset.skipped["photo_unreadable"] += 1
            return
        width, height = size
        if rgb.shape[:2] != (height, width):  # labels are in the stored photo's pixels
            rgb = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)
        faces = self.landmarker.detect(rgb)
        if not faces:
            dataset.skipped["no_face"] += 1
            return
        dataset.add_face(item, rgb, largest_face(faces), self.encode_png)


@dataclass(frozen=True)
class Gone:
    """The faces of an exported dataset that are no longer labelled analyses of people who
    consent to learning, and how many people they are of."""

    faces: int
    people: int
    of_faces: int


def gone_from(uow_factory: LabelsUowFactory, dataset: Dataset) -> Gone:
    """What of a dataset `metskin dataset export` wrote may no longer be learnt from: faces
    whose person withdrew their learning consent (or closed their account), was erased, or
    whose labelled analysis was deleted since (its labels went with it), or that this store
    never held. A dataset already written is not rewritten, so a command that trains or
    evaluates on one asks first."""

    def allowed(uow: LabelsUnitOfWork) -> set[str]:
        labels = uow.labels.for_subjects(uow.consents.consenting())
        return {sample_of(label.analysis_id) for label in labels}

    kept = read(uow_factory, allowed)
    faces = {str(r.get("sample")) for r in dataset.records}
    gone = [r for r in dataset.records if str(r.get("sample")) not in kept]
    people = {str(r.get("person")) for r in gone}
    return Gone(len({str(r.get("sample")) for r in gone}), len(people), len(faces))


def _labelled(
    uow: LabelsUnitOfWork, dataset: Dataset
) -> list[tuple[LabelledAnalysis, str, tuple[int, int]]]:
    """Finished photo analyses with labels, of the people who consent now, by analysis id."""
    by_analysis: dict[str, list[Label]] = defaultdict(list)
    for label in uow.labels.for_subjects(uow.consents.consenting()):
        by_analysis[label.analysis_id].append(label)
    found = []
    for analysis_id in sorted(by_analysis):
        analysis = uow.analyses.get(analysis_id)
        media = uow.media.get(analysis.media_id) if analysis else None
        if (
            analysis is None
            or media is None
            or analysis.status is not AnalysisStatus.DONE
            or media.kind is not MediaKind.PHOTO
        ):
            dataset.skipped["not_a_finished_photo"] += 1
            continue
        labels = tuple(by_analysis[analysis_id])
        stored = uow.analyses.get_results([analysis_id]).get(analysis_id)
        engine, monk = engine_readings(stored[0] if stored else {})
        item = LabelledAnalysis(analysis_id, analysis.owner_id, labels, engine, monk)
        found.append((item, media.storage_name, (media.width, media.height)))
    return found
