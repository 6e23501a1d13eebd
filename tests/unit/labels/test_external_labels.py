"""Labelled photos from outside MetSkin (`domain/labels/external.py`): the labels file is
checked row by row with coded errors, a licence that does not allow commercial training is
refused, and the importer cuts the same region patches as the export, with the origin and
licence in the manifest, every photo of a person in one split, and photos it cannot read or
find a face in counted, not imported."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from metskin.domain.errors import DomainError
from metskin.domain.labels.dataset import split_of
from metskin.domain.labels.external import PhotoImporter, check_licence, read_labels
from metskin.domain.labels.model import Concern
from tests.fakes.infra import FakeLandmarker
from tests.unit.labels.test_dataset_export import HEIGHT, WIDTH, decode, face_points, photo, png

WHEN = datetime(2026, 12, 5, tzinfo=UTC)


def test_a_labels_file_is_read_row_by_row() -> None:
    rows = read_labels(
        "\ufefffile,subject,acne,redness,monk_tone,skin_type\n"
        "a/1.jpg,ann,2,,7,oily\n"
        "a/2.jpg,ann,0,1,,\n"
        "b/bob.png,,,,3,\n"
    )
    assert [(r.row, r.file, r.subject) for r in rows] == [
        (2, "a/1.jpg", "ann"),
        (3, "a/2.jpg", "ann"),
        (4, "b/bob.png", "bob"),  # no subject: the file's name
    ]
    assert rows[0].label.grades == {Concern.ACNE: 2}
    assert (rows[0].label.monk_tone, rows[0].label.skin_type) == (7, "oily")
    assert rows[1].label.grades == {Concern.ACNE: 0, Concern.REDNESS: 1}
    assert rows[2].label.grades == {} and rows[2].label.monk_tone == 3


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("photo,acne\nx.jpg,1\n", "DATASET_LABELS_INVALID", "'file' column"),
        ("file,acne,shine\nx.jpg,1,2\n", "DATASET_LABELS_INVALID", "Unknown columns: shine"),
        ("file,acne\nx.jpg,1\nx.jpg,2\n", "DATASET_LABELS_INVALID", "Row 3 names x.jpg again"),
        ("file,acne\n,1\n", "DATASET_LABELS_INVALID", "Row 2 names no photo"),
        ("file,acne\nx.jpg,5\n", "LABEL_GRADE_OUT_OF_RANGE", "Row 2: ACNE is graded 0-4"),
        ("file,redness\nx.jpg,4\n", "LABEL_GRADE_OUT_OF_RANGE", "REDNESS is graded 0-3"),
        ("file,monk_tone\nx.jpg,11\n", "LABEL_GRADE_OUT_OF_RANGE", "Row 2: The Monk tone"),
        ("file,acne\nx.jpg,mild\n", "DATASET_LABELS_INVALID", "acne must be a whole number"),
        ("file,skin_type\nx.jpg,greasy\n", "LABEL_UNKNOWN_VALUE", "Row 2: Skin type"),
        ("file,acne\nx.jpg,\n", "LABEL_EMPTY", "Row 2: A label needs"),
        ("file,acne\nx.jpg,2,3,4\n", "DATASET_LABELS_INVALID", "Row 2 has 2 more cells than"),
    ],
)
def test_a_bad_labels_file_gets_a_coded_error_naming_the_row(
    text: str, code: str, words: str
) -> None:
    with pytest.raises(DomainError) as error:
        read_labels(text)
    assert error.value.code == code
    assert words in str(error.value)


@pytest.mark.parametrize("licence", ["CC BY 4.0", "CC0 1.0", "CC BY-SA 4.0", "bought: commercial"])
@pytest.mark.parametrize("origin", ["A clinic's graded photos", "A fascinating Wisconsin set"])
def test_licences_that_allow_commercial_training_are_accepted(origin: str, licence: str) -> None:
    check_licence(origin, licence)


@pytest.mark.parametrize(
    ("origin", "licence"),
    [
        ("x", "CC BY-NC 4.0"),
        ("x", "CC BY-NC-SA 4.0"),
        ("x", "cc-by-nd-4.0"),
        ("x", "Non-commercial use"),
        ("x", "Non commercial use"),
        ("x", "CC_BY_NC_4.0"),
        ("x", "Attribution-NoDerivatives 4.0"),
        ("x", "no derivatives"),
        ("x", "for research use only"),
        ("x", "academic licence"),
        ("ACNE04 (Wu et al. 2019)", "CC BY 4.0"),
        ("Fitzpatrick 17k", "CC BY 4.0"),
        ("SCIN (Google, 2024)", "CC BY 4.0"),
        ("utk-face crops", "CC BY 4.0"),
        ("HAM 10,000", "CC BY 4.0"),
        ("x", "HAM10000 terms"),
        ("", "CC BY 4.0"),
        ("x", " "),
    ],
)
def test_licences_limited_to_research_or_non_commercial_use_are_refused(
    origin: str, licence: str
) -> None:
    with pytest.raises(DomainError) as error:
        check_licence(origin, licence)
    assert error.value.code == "DATASET_LICENCE_REFUSED"


def test_the_importer_cuts_region_patches_with_the_origin_and_licence() -> None:
    photos = {"ann-1.png": png(photo(1)), "ann-2.png": png(photo(2)), "bob.png": png(photo(3))}
    photos["broken.png"] = b"not a photo"
    rows = read_labels(
        "file,subject,acne,monk_tone\n"
        "ann-1.png,ann,2,7\nann-2.png,ann,1,7\nbob.png,bob,0,2\n"
        "broken.png,,1,\nmissing.png,,1,\n"
    )

    def failing_decode(data: bytes) -> np.ndarray:
        if data == b"not a photo":
            raise DomainError("unreadable")
        return decode(data)

    importer = PhotoImporter(FakeLandmarker([face_points()]), photos.get, failing_decode, png)
    dataset = importer.build(rows, "A clinic's graded photos", "CC BY 4.0", WHEN)
    manifest = dataset.manifest()
    assert manifest["sources"] == ["A clinic's graded photos Licence: CC BY 4.0."]
    assert manifest["counts"]["skipped"] == {"photo_missing": 1, "photo_unreadable": 1}
    assert manifest["counts"]["analyses"] == 3 and manifest["counts"]["people"] == 2
    regions = {r["region"] for r in dataset.records}
    assert len(regions) == 7 and manifest["counts"]["patches"] == 21
    for record in dataset.records:
        assert record["split"] in {split_of("ann"), split_of("bob")}
        assert record["engine"] == {} and record["engine_monk"] is None  # noise: the gate refuses
        x0, y0, x1, y1 = record["box"]
        assert 0 <= x0 < x1 <= WIDTH and 0 <= y0 < y1 <= HEIGHT
    by_person: dict[str, set[str]] = {}
    for record in dataset.records:
        by_person.setdefault(record["person"], set()).add(record["split"])
    assert all(len(splits) == 1 for splits in by_person.values())  # a person in one split
    grades = sorted({(r["grades"]["ACNE"], r["monk_tone"]) for r in dataset.records})
    assert grades == [(0, 2), (1, 7), (2, 7)]


def test_the_importer_counts_photos_without_a_face() -> None:
    rows = read_labels("file,acne\nempty.png,1\n")
    importer = PhotoImporter(FakeLandmarker([]), {"empty.png": png(photo(4))}.get, decode, png)
    dataset = importer.build(rows, "x", "CC BY 4.0", WHEN)
    assert dataset.manifest()["counts"]["skipped"] == {"no_face": 1}
    assert dataset.records == []


def test_the_importer_refuses_before_reading_a_photo() -> None:
    def read(file: str) -> bytes:
        raise AssertionError(f"read {file}")

    importer = PhotoImporter(FakeLandmarker([]), read, decode, png)
    with pytest.raises(DomainError) as error:
        importer.build(read_labels("file,acne\nx.png,1\n"), "x", "CC BY-NC 4.0", WHEN)
    assert error.value.code == "DATASET_LICENCE_REFUSED"
