"""`metskin dataset export --out DIR`: a versioned directory of region patches and labels of the
people who consent to learning (see `domain/labels/dataset.py`)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from metskin.domain.i18n.marks import _

if TYPE_CHECKING:
    from metskin.domain.labels.dataset import Dataset
    from metskin.domain.labels.ports import LabelsUowFactory

dataset_app = typer.Typer(help="Training datasets built from labelled analyses.")
FULL_RESOLUTION = 1 << 20  # decode the stored photo whole: labels are in its pixels

README = """# MetSkin skin dataset {version}

Region patches (PNG crops of the face regions: forehead, cheeks, nose, chin, under the eyes;
never a whole face) of finished photo analyses labelled by dermatologists or their owners, of
people who gave consent for learning when it was built, or of labelled photos imported with
their origin and licence (`metskin dataset import`; `manifest.json` lists the sources).
`labels.jsonl` has one record per patch (grades per concern, lesions in the patch's pixels,
Monk tone, skin type, the owner's verdicts); `manifest.json` the content hash and the counts.
People are named by a pseudonym and split into train/val/test by a hash of their id. Keep it
inside the company's store.
"""


def write_dataset(dataset: Dataset, out: Path) -> Path:
    """Write the files, labels.jsonl, manifest.json and README.md under out/<version>/."""
    manifest = dataset.manifest()
    folder = out / manifest["version"]
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in dataset.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / "labels.jsonl").write_bytes(dataset.labels_jsonl())
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    (folder / "README.md").write_text(README.format(version=manifest["version"]))
    return folder


def writable(out: Path) -> Path:
    """`out`, made when missing; one that cannot be written ends the command at once (exit 2,
    DATASET_OUT_INVALID) rather than after the face mesh has run over every photo."""
    from metskin.domain.labels.errors import DatasetOutInvalid

    try:
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as error:
        reason = error.strerror or str(error)
        raise refuse(DatasetOutInvalid.code, f"{out}: cannot be written ({reason}).") from None
    return out


def refuse(code: str, message: str) -> typer.Exit:
    """Say a coded error on stderr; the command then ends with exit code 2."""
    Console(stderr=True).print(f"[red]{code}[/red]: {message}")
    return typer.Exit(2)


def read_dataset(folder: Path) -> tuple[Dataset, dict[str, Any]]:
    """A dataset folder as written by `write_dataset` (or bench/skin_model_bootstrap.py), and
    its manifest; the records' patches are read into memory. A folder that is not one ends the
    command: exit 2 with DATASET_FOLDER_INVALID and what is wrong."""
    from metskin.domain.labels.errors import DatasetFolderInvalid

    try:
        return _read_dataset(folder)
    except DatasetFolderInvalid as error:
        raise refuse(error.code, error.message) from None


def needs_faces(folder: Path, dataset: Dataset, *splits: str) -> None:
    """End the command (exit 2, DATASET_SPLIT_EMPTY) when one of `splits` holds no face:
    training or evaluating on nothing would register a version that says nothing."""
    from metskin.domain.labels.dataset import SPLITS
    from metskin.domain.labels.errors import DatasetSplitEmpty

    for split in splits:
        faces = {r.get("sample") for r in dataset.records if r.get("split") == split}
        if not faces:
            named = ", ".join(name for name, _ in SPLITS)
            raise refuse(
                DatasetSplitEmpty.code,
                f"{folder}: its {split} split holds no face (splits are {named}, by person: "
                f"{len(dataset.subjects)} people here); add labelled faces of more people.",
            )


def exported(manifest: dict[str, Any]) -> bool:
    """Whether a dataset is this store's export (an import's manifest names its sources)."""
    return not manifest.get("sources")


def still_consented(
    uow_factory: LabelsUowFactory, folder: Path, dataset: Dataset, manifest: dict[str, Any]
) -> None:
    """End the command (exit 2, DATASET_CONSENT_WITHDRAWN) when an export of this store holds
    faces nobody may learn from any more (`labels.export.gone_from`): a dataset is not
    rewritten when a person withdraws, so training on an old folder would learn from them.
    An imported dataset (its manifest names its `sources`) holds no account's data."""
    from metskin.domain.labels.errors import DatasetConsentWithdrawn
    from metskin.domain.labels.export import gone_from

    if not exported(manifest):
        return
    gone = gone_from(uow_factory, dataset)
    if gone.faces:
        raise refuse(
            DatasetConsentWithdrawn.code,
            f"{folder}: {gone.faces} of its {gone.of_faces} faces ({gone.people} "
            f"{'person' if gone.people == 1 else 'people'}) may no longer be learnt from: "
            "their learning consent was withdrawn, their account or labelled photo erased "
            "since the export, or this store never held them. Export the dataset again "
            "(`metskin dataset export`) and use the new folder.",
        )


def _read_dataset(folder: Path) -> tuple[Dataset, dict[str, Any]]:
    from metskin.domain.labels.dataset import Dataset
    from metskin.domain.labels.errors import DatasetFolderInvalid

    def bad(message: str, field: str) -> DatasetFolderInvalid:
        return DatasetFolderInvalid.translatable(
            _("{folder}: {problem}"), field, folder=str(folder), problem=message
        )

    for name in ("manifest.json", "labels.jsonl"):
        if not (folder / name).is_file():
            raise bad(f"no {name}: not a dataset folder (`metskin dataset export`).", name)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except ValueError:
        raise bad("manifest.json is not JSON.", "manifest.json") from None
    dataset = Dataset()
    lines = (folder / "labels.jsonl").read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"labels.jsonl line {number}"
        try:
            record = json.loads(line)
            patch, person = str(record["patch"]), str(record["person"])
        except (ValueError, KeyError, TypeError):
            raise bad(f"{where} is not a record with a patch and a person.", where) from None
        path = (folder / patch).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            raise bad(f"{where} names the patch {patch}, which is not in the folder.", where)
        data = path.read_bytes()
        if "sha256" in record and hashlib.sha256(data).hexdigest() != record["sha256"]:
            raise bad(
                f"{where}: the patch {patch} is not the one exported (its sha256 differs): "
                "corrupt or changed; export the dataset again.",
                where,
            )
        dataset.records.append(record)
        dataset.files[patch] = data
        dataset.subjects.add(person)
    return dataset, manifest


@dataset_app.command("export")
def export(
    out: Path = typer.Option(Path("datasets"), "--out", help="Where the version folder goes."),
) -> None:
    """Build the dataset from the store and write it under OUT/<version>."""
    from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
    from metskin.adapters.vision.images import decode_image, encode_png
    from metskin.bootstrap import bootstrap
    from metskin.domain.labels.export import DatasetExporter

    console = Console(stderr=True)
    writable(out)
    container = bootstrap()
    landmarker = MediaPipeLandmarker()
    try:
        exporter = DatasetExporter(
            container.new_uow,
            container.storage,
            landmarker,
            partial(decode_image, long_side=FULL_RESOLUTION),
            encode_png,
            container.clock,
        )
        dataset = exporter.build()
        folder = write_dataset(dataset, out)
        exporter.record(dataset)
    finally:
        landmarker.close()
        container.close()
    manifest = dataset.manifest()
    console.print(f"wrote {folder}")
    typer.echo(json.dumps({k: manifest[k] for k in ("version", "content_hash", "counts")}))


@dataset_app.command("import")
def import_photos(
    photos: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="The folder the labels file's paths are under."
    ),
    labels: Path = typer.Option(
        ..., "--labels", exists=True, dir_okay=False, help="The labels CSV (UTF-8; see below)."
    ),
    origin: str = typer.Option(..., "--origin", help="Where the photos come from (cite it)."),
    licence: str = typer.Option(..., "--licence", help="Their licence, e.g. CC BY 4.0."),
    out: Path = typer.Option(Path("datasets"), "--out", help="Where the version folder goes."),
) -> None:
    """Make labelled photos from outside MetSkin into a dataset under OUT/<version>.

    LABELS has a row per photo: file, and optionally subject, acne, redness, pigmentation,
    wrinkles, pores, dark_circles (grades), monk_tone, skin_type. A licence that does not
    allow commercial use or adaptation is refused."""
    from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
    from metskin.adapters.vision.images import decode_image, encode_png
    from metskin.domain.errors import DomainError
    from metskin.domain.labels.errors import LabelsFileInvalid
    from metskin.domain.labels.external import PhotoImporter, check_licence, read_labels

    console = Console(stderr=True)
    root = photos.resolve()

    def where(file: str) -> Path | None:
        path = (root / file).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None

    def read(file: str) -> bytes | None:
        path = where(file)
        return None if path is None else path.read_bytes()

    try:
        rows = read_labels(labels.read_text(encoding="utf-8-sig"))
        check_licence(origin, licence)
    except UnicodeDecodeError:
        raise refuse("DATASET_LABELS_INVALID", "the labels file is not UTF-8 text.") from None
    except DomainError as error:
        raise refuse(error.code, str(error)) from None
    writable(out)
    for row in rows:  # a typo in a file name is a bad row, not a photo quietly left out
        if where(row.file) is None:
            message = f"Row {row.row} names {row.file}, which is not a file under {photos}."
            raise refuse(LabelsFileInvalid.code, message)
    landmarker = MediaPipeLandmarker()  # only once the labels, licence and photos are good
    try:
        importer = PhotoImporter(
            landmarker, read, partial(decode_image, long_side=FULL_RESOLUTION), encode_png
        )
        dataset = importer.build(rows, origin, licence, datetime.now(UTC))
    finally:
        landmarker.close()
    folder = write_dataset(dataset, out)
    manifest = dataset.manifest()
    console.print(f"wrote {folder}")
    typer.echo(json.dumps({k: manifest[k] for k in ("version", "content_hash", "counts")}))


def register(app: typer.Typer) -> None:
    app.add_typer(dataset_app, name="dataset")
