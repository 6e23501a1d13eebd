"""`metskin dataset export` on a real store: a photo analysed by the engine, labelled by a
dermatologist under a share; the face mesh runs again on the stored photo, only region patches
leave, the same store gives the same version, and a revocation empties the next one."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import typer
from typer.testing import CliRunner

from metskin.bootstrap import bootstrap
from metskin.cli.dataset import register
from metskin.domain.accounts.model import Role
from metskin.domain.analysis import landmarks as lm
from metskin.domain.labels.model import Concern, LabelInput, Lesion, LesionType
from metskin.settings import Settings
from tests.integration.test_care_booking import make_doctor
from tests.media_samples import face_jpeg

PASSWORD = "tea-and-toast-77"


def export(out: Path) -> dict:
    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    result = CliRunner().invoke(app, ["dataset", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_export_cuts_region_patches_of_consenting_people(
    tmp_path: Path, embedded_env: Settings
) -> None:
    container = bootstrap()
    patient = container.accounts.register("pat@example.com", PASSWORD)
    container.photo_consent.give(patient.id)
    doctor = make_doctor(container, "doc@example.com")
    media = container.media.upload(patient.id, face_jpeg(512))
    analysis = container.analyses.start(patient.id, media.id)
    container.analyses.run(analysis.id)
    container.sharing.share(patient.id, doctor.id, None, None)
    lesion = Lesion(LesionType.PAPULE, 256, 200)
    container.labels.annotate(
        doctor.id,
        Role.DERMATOLOGIST,
        analysis.id,
        LabelInput(grades={Concern.ACNE: 2}, lesions=(lesion,), monk_tone=3),
    )
    container.close()

    assert export(tmp_path / "none")["counts"]["patches"] == 0  # no consent yet

    container = bootstrap()
    container.labels.set_consent(patient.id, True)
    container.close()
    first = export(tmp_path / "a")
    again = export(tmp_path / "b")
    assert first == again and first["version"] == f"ds-{first['content_hash'][:16]}"
    counts = first["counts"]
    assert counts["people"] == 1 and counts["per_monk_tone"] == {"3": counts["patches"]}
    assert counts["patches"] >= 5 and counts["per_label"]["ACNE=2"] == counts["patches"]

    folder = tmp_path / "a" / first["version"]
    records = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines()]
    assert {r["region"] for r in records} <= set(lm.MAIN_REGIONS)
    face_area = 512 * 512
    for record in records:
        patch = cv2.imread(str(folder / record["patch"]))
        x0, y0, x1, y1 = record["box"]
        assert patch.shape[:2] == (y1 - y0, x1 - x0)
        assert patch.shape[0] * patch.shape[1] < 0.15 * face_area  # a region, never the face
    assert (
        json.loads((folder / "manifest.json").read_text())["content_hash"] == first["content_hash"]
    )
    assert not list(folder.rglob("*.jpg"))
    with_lesion = [r for r in records if r["lesions"]]
    for record in with_lesion:  # the papule, moved into the patch's pixels
        x0, y0 = record["box"][:2]
        assert record["lesions"] == [["PAPULE", 256 - x0, 200 - y0, 0, 0]]

    container = bootstrap()
    with container.new_uow() as uow:
        assert uow.dataset_members.versions_of(patient.id) == [first["version"]]
        assert uow.dataset_members.members_of(first["version"]) == [patient.id]
    container.labels.set_consent(patient.id, False)
    container.close()
    after = export(tmp_path / "c")
    assert after["counts"]["patches"] == 0 and after["version"] != first["version"]
    assert not list((tmp_path / "c").rglob("*.png"))


def test_a_photo_deleted_after_labelling_leaves_the_next_export(
    tmp_path: Path, embedded_env: Settings
) -> None:
    container = bootstrap()
    patient = container.accounts.register("pat@example.com", PASSWORD)
    container.photo_consent.give(patient.id)
    container.labels.set_consent(patient.id, True)
    doctor = make_doctor(container, "doc@example.com")
    media = container.media.upload(patient.id, face_jpeg(512))
    analysis = container.analyses.start(patient.id, media.id)
    container.analyses.run(analysis.id)
    container.sharing.share(patient.id, doctor.id, None, None)
    grades = LabelInput(grades={Concern.ACNE: 2}, monk_tone=3)
    container.labels.annotate(doctor.id, Role.DERMATOLOGIST, analysis.id, grades)
    container.close()
    assert export(tmp_path / "a")["counts"]["people"] == 1

    container = bootstrap()
    container.privacy.delete_analysis(patient.id, analysis.id)
    container.close()
    after = export(tmp_path / "b")
    assert after["counts"]["patches"] == 0 and after["counts"]["skipped"] == {}
