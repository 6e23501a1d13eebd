"""The dataset on the fakes: only consenting people, a revocation removes the person's patches
from the next export, split by person, a deterministic content hash, counts per label and per
Monk tone, lesions moved into their patch, membership recorded once per version."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta
from typing import Any

import cv2
import numpy as np
import pytest

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.labels import model as m
from metskin.domain.labels.dataset import Dataset, pseudonym, split_of
from metskin.domain.labels.export import DatasetExporter
from tests.fakes.infra import FakeClock, FakeLandmarker, FakeStorage
from tests.fakes.labels import FakeLabelsUnitOfWork
from tests.unit.builders import T0, analysis, media

NOW = T0 + timedelta(days=30)
WIDTH, HEIGHT = 320, 240
PEOPLE = ("p1", "p2", "p3")


def face_points() -> np.ndarray:
    """478 landmarks: each main region's points inside its own cell of the photo, the rest
    (features, oval) spread over the face."""
    rng = np.random.default_rng(0)
    points = np.column_stack(
        [rng.uniform(60, 260, 478), rng.uniform(20, 220, 478), np.zeros(478)]
    ).astype(np.float32)
    for index, name in enumerate(lm.MAIN_REGIONS):
        x0, y0 = 60 + (index % 4) * 50, 30 + (index // 4) * 90
        for point in lm.REGIONS[name]:
            points[point, :2] = rng.uniform((x0, y0), (x0 + 40, y0 + 60))
    return points


def png(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes()


def decode(data: bytes) -> np.ndarray:
    return cv2.cvtColor(
        cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
    )


def photo(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8)


def label(label_id: str, analysis_id: str, author: str, **values: Any) -> m.Label:
    """A label write on `analysis_id` (of the person its id names: `a-<person>`)."""
    source = m.LabelSource.PATIENT if author.startswith("p") else m.LabelSource.DERMATOLOGIST
    subject = analysis_id.removeprefix("a-")
    return m.Label(
        id=label_id,
        analysis_id=analysis_id,
        subject_id=subject if subject in PEOPLE else "p1",
        author_id=author,
        source=source,
        created_at=values.pop("at", T0),
        **values,
    )


def doctor_label(analysis_id: str, acne: int, tone: int) -> m.Label:
    papule, scar = m.Lesion(m.LesionType.PAPULE, 70, 40), m.Lesion(m.LesionType.SCAR, 0, 0, 4, 4)
    grades = {m.Concern.ACNE: acne, m.Concern.REDNESS: 1}
    return label(
        f"l-{analysis_id}",
        analysis_id,
        "doc-1",
        grades=grades,
        lesions=(papule, scar),
        skin_type="oily",
        monk_tone=tone,
    )


@pytest.fixture
def uow() -> FakeLabelsUnitOfWork:
    uow = FakeLabelsUnitOfWork()
    with uow:
        for index, person in enumerate(PEOPLE):
            uow.consents.add(m.LearningConsent(person, given=person != "p3"))
            analysis_id = f"a-{person}"
            uow.analyses.add(analysis(analysis_id, person, days=index))
            uow.media.add(media(f"media-{analysis_id}", person, (WIDTH, HEIGHT)))
            uow.labels.add(doctor_label(analysis_id, acne=index + 1, tone=index + 3))
        verdicts = (m.Verdict(m.Concern.ACNE, False),)
        own = label("l-p1-own", "a-p1", "p1", at=NOW, skin_type="dry", verdicts=verdicts)
        uow.labels.add(own)
        uow.commit()
    return uow


@pytest.fixture
def storage() -> FakeStorage:
    storage = FakeStorage()
    for index, person in enumerate(PEOPLE):
        storage.put(f"uploads/media-a-{person}", png(photo(index)), "image/png")
    return storage


@pytest.fixture
def exporter(uow: FakeLabelsUnitOfWork, storage: FakeStorage, clock: FakeClock) -> DatasetExporter:
    return DatasetExporter(uow, storage, FakeLandmarker([face_points()]), decode, png, clock)


def people_in(dataset: Dataset) -> set[str]:
    return {record["person"] for record in dataset.records}


def test_only_consenting_people_enter_and_a_revocation_removes_them_next_time(
    exporter: DatasetExporter, uow: FakeLabelsUnitOfWork
) -> None:
    first = exporter.build()
    assert first.subjects == {"p1", "p2"}
    assert people_in(first) == {pseudonym("p1"), pseudonym("p2")}
    assert len(first.records) == 2 * len(lm.MAIN_REGIONS)
    with uow:
        uow.consents.save(m.LearningConsent("p2", False, NOW))
        uow.commit()
    second = exporter.build()
    assert second.subjects == {"p1"}
    assert not [path for path in second.files if pseudonym("p2") in path]
    assert second.content_hash() != first.content_hash()


def test_the_content_hash_is_deterministic_and_follows_the_labels(
    exporter: DatasetExporter, uow: FakeLabelsUnitOfWork
) -> None:
    one, two = exporter.build(), exporter.build()
    assert one.content_hash() == two.content_hash() and one.files == two.files
    assert one.manifest() == two.manifest()
    assert one.manifest()["version"] == f"ds-{one.content_hash()[:16]}"
    with uow:
        uow.labels.add(label("l-new", "a-p2", "doc-1", at=NOW, grades={m.Concern.ACNE: 0}))
        uow.commit()
    changed = exporter.build()
    assert changed.content_hash() != one.content_hash()
    assert {r["grades"]["ACNE"] for r in changed.records if r["person"] == pseudonym("p2")} == {0}


def test_patches_are_region_crops_of_the_photo_with_their_lesions(
    exporter: DatasetExporter,
) -> None:
    dataset = exporter.build()
    rgb = photo(0)
    mine = [r for r in dataset.records if r["person"] == pseudonym("p1")]
    assert {r["region"] for r in mine} == set(lm.MAIN_REGIONS)
    for record in mine:
        x0, y0, x1, y1 = record["box"]
        patch = decode(dataset.files[record["patch"]])
        assert np.array_equal(patch, rgb[y0:y1, x0:x1])
        assert patch.shape[0] * patch.shape[1] < 0.1 * WIDTH * HEIGHT  # a region, not a face
        assert record["sha256"] == hashlib.sha256(dataset.files[record["patch"]]).hexdigest()
        assert record["verdicts"] == [["ACNE", False]] and record["skin_type"] == "oily"
    with_papule = [r for r in mine if r["lesions"]]
    for record in with_papule:
        x0, y0 = record["box"][:2]
        assert record["lesions"] == [["PAPULE", 70 - x0, 40 - y0, 0, 0]]
    inside = [
        r for r in mine if r["box"][0] <= 70 < r["box"][2] and r["box"][1] <= 40 < r["box"][3]
    ]
    assert with_papule and len(with_papule) == len(inside)


def test_the_manifest_counts_labels_monk_tones_and_splits(exporter: DatasetExporter) -> None:
    manifest = exporter.build().manifest()
    regions = len(lm.MAIN_REGIONS)
    counts = manifest["counts"]
    assert (counts["patches"], counts["people"], counts["analyses"]) == (2 * regions, 2, 2)
    assert counts["per_monk_tone"] == {"3": regions, "4": regions}
    assert counts["per_label"]["ACNE=1"] == regions and counts["per_label"]["ACNE=2"] == regions
    assert counts["per_label"]["REDNESS=1"] == 2 * regions
    expected = Counter(split_of(p) for p in ("p1", "p2") for _ in range(regions))
    assert counts["per_split"] == dict(sorted(expected.items()))


def test_a_person_lies_in_one_split_and_the_splits_are_about_80_10_10() -> None:
    splits = Counter(split_of(f"person-{i}") for i in range(3000))
    assert 0.77 < splits["train"] / 3000 < 0.83
    assert 0.08 < splits["val"] / 3000 < 0.12 and 0.08 < splits["test"] / 3000 < 0.12
    assert {split_of("p1") for _ in range(3)} == {split_of("p1")}


def test_what_cannot_be_cut_is_skipped_and_counted(
    exporter: DatasetExporter, uow: FakeLabelsUnitOfWork, storage: FakeStorage, clock: FakeClock
) -> None:
    del storage.objects["uploads/media-a-p2"]
    with uow:
        uow.analyses.add(analysis("a-run", "p1", days=9, status=AnalysisStatus.RUNNING))
        uow.labels.add(doctor_label("a-run", acne=1, tone=3))
        uow.commit()
    dataset = exporter.build()
    assert dataset.subjects == {"p1"}
    assert dict(dataset.skipped) == {"photo_missing": 1, "not_a_finished_photo": 1}
    faceless = DatasetExporter(uow, storage, FakeLandmarker([]), decode, png, clock)
    assert dict(faceless.build().skipped) == {
        "photo_missing": 1,
        "not_a_finished_photo": 1,
        "no_face": 1,
    }


def test_membership_is_recorded_once_per_version(
    exporter: DatasetExporter, uow: FakeLabelsUnitOfWork
) -> None:
    dataset = exporter.build()
    version = exporter.record(dataset)
    exporter.record(exporter.build())
    assert uow.dataset_members.versions_of("p1") == [version]
    assert uow.dataset_members.versions_of("p3") == []
