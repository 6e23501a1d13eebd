"""Labelled photos from outside MetSkin (a set of graded photos bought or licensed for training)
made into a training dataset, in the format `metskin dataset export` writes, so that the skin
model learns from them and `evaluate-skin-model` measures the engine on them per Monk tone.

The labels are a CSV file, one row per photo: `file` (the photo's path under the photos
folder), optionally `subject` (the person, so that all their photos fall in one split; the
file's name without extension when absent), a grade per concern in the labels' scales
(`acne`, `redness`, `pigmentation`, `wrinkles`, `pores`, `dark_circles`; see
`labels.model`), `monk_tone` (1-10) and `skin_type`. Empty cells are not labelled.

Only photos whose licence allows commercial use and adaptation enter: the origin and licence
are required, written into the dataset's manifest (and from there into every model card), and
a licence limited to non-commercial or research use or forbidding derivatives is refused, as
are the sets known to be (`REFUSED_SETS`, which the model card names too).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import numpy as np

from metskin.domain.analysis.engine import analyse_faces
from metskin.domain.errors import DomainError
from metskin.domain.i18n.marks import _
from metskin.domain.labels.dataset import (
    Dataset,
    LabelledAnalysis,
    engine_readings,
    largest_face,
)
from metskin.domain.labels.errors import LabelsFileInvalid, LicenceRefused
from metskin.domain.labels.model import Concern, Label, LabelInput, LabelSource

if TYPE_CHECKING:
    from metskin.domain.analysis.ports import FaceLandmarker

GRADE_COLUMNS = {concern.value.lower(): concern for concern in Concern}
COLUMNS = {"file", "subject", "monk_tone", "skin_type", *GRADE_COLUMNS}
# Limited to research or non-commercial use: never trained or calibrated on.
REFUSED_SETS = {
    "ACNE04": r"acne[ ]?0?4",
    "HAM10000": r"ham[ ]?10[, ]?000",
    "UTKFace": r"utk[ ]?face",
    "SCIN": r"scin",
    "Fitzpatrick17k": r"fitzpatrick[ ]?17[ ]?k",
}
_REFUSED_TERMS = re.compile(
    r"\b(nc|nd|non[- ]?commercial|no[- ]?derivatives?|no[- ]?derivs?|research|academic|personal)\b"
)


def check_licence(origin: str, licence: str) -> None:
    """Refuse (LicenceRefused) a missing origin or licence, a licence that forbids commercial
    use or adaptation (CC BY-NC, CC BY-ND, research or academic use only), or a refused set."""
    if not origin.strip() or not licence.strip():
        raise LicenceRefused(_("Say where the photos come from and under which licence."))
    words = re.sub(r"[\s_/-]+", " ", licence.lower())  # CC-BY-NC-4.0 as CC BY NC 4.0
    if _REFUSED_TERMS.search(words):
        raise LicenceRefused.translatable(
            _("The licence '{licence}' does not allow commercial training on the photos."),
            "licence",
            licence=licence,
        )
    named = re.sub(r"[\s_/-]+", " ", f"{origin} {licence}".lower())
    for refused, pattern in REFUSED_SETS.items():
        if re.search(rf"\b{pattern}\b", named):
            raise LicenceRefused.translatable(
                _("{refused} is limited to research or non-commercial use."),
                "origin",
                refused=refused,
            )


@dataclass(frozen=True)
class ExternalPhoto:
    """One row of the labels file."""

    row: int
    file: str
    subject: str
    label: LabelInput


def read_labels(text: str) -> list[ExternalPhoto]:
    """The rows of a labels CSV, each checked (coded errors naming the row and column)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))  # a BOM from Excel
    columns = {name.strip() for name in reader.fieldnames or []}
    if "file" not in columns:
        raise LabelsFileInvalid(_("The labels file needs a 'file' column."), field="file")
    if unknown := sorted(columns - COLUMNS):
        raise LabelsFileInvalid.translatable(
            _("Unknown columns: {unknown} (known: {known})."),
            unknown[0],
            unknown=", ".join(unknown),
            known=", ".join(sorted(COLUMNS)),
        )
    photos: list[ExternalPhoto] = []
    seen: set[str] = set()
    for row, raw in enumerate(reader, start=2):  # row 1 is the header
        if extra := raw.get(None):
            raise LabelsFileInvalid.translatable(
                _("Row {row} has {extra} more cells than the header's {columns} columns."),
                f"row {row}",
                row=row,
                extra=Decimal(len(extra)),
                columns=Decimal(len(reader.fieldnames or [])),
            )
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        file = cells.get("file", "")
        if not file or file in seen:
            if not file:
                raise LabelsFileInvalid.translatable(
                    _("Row {row} names no photo."), f"row {row}", row=row
                )
            raise LabelsFileInvalid.translatable(
                _("Row {row} names {file} again."), f"row {row}", row=row, file=file
            )
        seen.add(file)
        try:
            label = LabelInput(
                grades={
                    concern: _integer(cells[name], row, name)
                    for name, concern in GRADE_COLUMNS.items()
                    if cells.get(name)
                },
                monk_tone=_integer(cells["monk_tone"], row, "monk_tone")
                if cells.get("monk_tone")
                else None,
                skin_type=cells.get("skin_type") or None,
            )
            label.check(1, 1)  # no lesions in this file: the photo's size does not matter
        except DomainError as error:
            raise type(error)(f"Row {row}: {error}", field=f"row {row}") from error
        subject = cells.get("subject") or PurePosixPath(file).stem
        photos.append(ExternalPhoto(row, file, subject, label))
    return photos


def _integer(cell: str, row: int, column: str) -> int:
    try:
        return int(cell)
    except ValueError:
        raise LabelsFileInvalid.translatable(
            _("Row {row}: {column} must be a whole number, not '{cell}'."),
            f"row {row}",
            row=row,
            column=column,
            cell=cell,
        ) from None


@dataclass(frozen=True)
class PhotoImporter:
    """`read(file)` gives a photo's bytes (None when missing), `decode` RGB from them,
    `encode_png` a patch; the engine measures each photo (its scores and Monk tone are the
    baseline a learned model is evaluated against; none when it refuses the photo)."""

    landmarker: FaceLandmarker
    read: Callable[[str], bytes | None]
    decode: Callable[[bytes], np.ndarray]
    encode_png: Callable[[np.ndarray], bytes]

    def build(
        self, photos: Iterable[ExternalPhoto], origin: str, licence: str, when: datetime
    ) -> Dataset:
        check_licence(origin, licence)
        dataset = Dataset(sources=[f"{origin.strip()} Licence: {licence.strip()}."])
        for photo in photos:
            self._add(dataset, photo, when)
        return dataset

    def _add(self, dataset: Dataset, photo: ExternalPhoto, when: datetime) -> None:
        data = self.read(photo.file)
        if data is None:
            dataset.skipped["photo_missing"] += 1
            return
        try:
            rgb = self.decode(data)
        except DomainError:
            dataset.skipped["photo_unreadable"] += 1
            return
        faces = self.landmarker.detect(rgb)
        if not faces:
            dataset.skipped["no_face"] += 1
            return
        points = largest_face(faces)
        # a photo the engine refuses still enters, without its readings ({}, None)
        engine, monk = engine_readings(analyse_faces(rgb, [points]).to_dict())
        label = Label(
            **vars(photo.label),
            id=f"import:{photo.file}",
            analysis_id=photo.file,
            subject_id=photo.subject,
            author_id="import",
            source=LabelSource.DERMATOLOGIST,
            created_at=when,
        )
        item = LabelledAnalysis(photo.file, photo.subject, (label,), engine, monk)
        dataset.add_face(item, rgb, points, self.encode_png)
