"""The skin model and dataset commands end bad input with a coded message, never a traceback:
a labels CSV row with more cells than its header, a dataset folder without its manifest, its
labels or a patch, and a version the registry does not have."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from metskin.cli import dataset, skinmodel
from metskin.settings import Settings


def run(*args: str) -> tuple[int, str, str]:
    """The dataset and skin model commands: exit code, stdout, stderr (whitespace folded)."""
    app = typer.Typer()
    app.callback()(lambda: None)
    dataset.register(app)
    skinmodel.register(app)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def test_a_labels_row_with_more_cells_than_the_header_is_refused_naming_it(
    tmp_path: Path,
) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("file,acne\na.jpg,2\nb.jpg,2,extra\n")
    code, _, stderr = run(
        "dataset", "import", str(tmp_path), "--labels", str(labels), "--origin", "A clinic",
        "--licence", "CC BY 4.0", "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 2
    assert stderr == "DATASET_LABELS_INVALID: Row 3 has 1 more cells than the header's 2 columns."


def dataset_folder(tmp_path: Path, records: list[dict], patches: list[str]) -> Path:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"version": "ds-1"}))
    (folder / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    for patch in patches:
        (folder / patch).parent.mkdir(parents=True, exist_ok=True)
        (folder / patch).write_bytes(b"png")
    return folder


COMMANDS = [
    ("evaluate-engine",),
    ("train-skin-model", "--epochs", "1"),
    ("evaluate-skin-model", "--version", "1"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_that_is_no_dataset_is_refused_by_every_command(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    code, _, stderr = run(*command, "--dataset", str(tmp_path))
    assert code == 2
    assert stderr == (
        f"DATASET_FOLDER_INVALID: {tmp_path}: no manifest.json: not a dataset folder "
        "(`metskin dataset export`)."
    )


@pytest.mark.parametrize(
    ("records", "patches", "says"),
    [
        (None, [], "no labels.jsonl: not a dataset folder"),
        ([{"patch": "p/a.png", "person": "x"}], [], "line 1 names the patch p/a.png, which"),
        ([{"patch": "../out.png", "person": "x"}], ["../out.png"], "names the patch ../out.png"),
        ([{"patch": "p/a.png", "person": "x"}, [1]], ["p/a.png"], "line 2 is not a record"),
    ],
)
def test_a_dataset_missing_its_labels_or_a_patch_is_refused_naming_it(
    tmp_path: Path, records: list | None, patches: list[str], says: str
) -> None:
    folder = dataset_folder(tmp_path, records or [], patches)
    if records is None:
        (folder / "labels.jsonl").unlink()
    code, _, stderr = run("evaluate-engine", "--dataset", str(folder))
    assert code == 2
    assert stderr.startswith(f"DATASET_FOLDER_INVALID: {folder}: ") and says in stderr


def test_the_gate_of_a_version_not_registered_says_so(embedded_env: Settings) -> None:
    code, stdout, stderr = run("skin-model", "gate", "99")
    assert (code, stdout) == (1, "")
    assert stderr == "SKIN_MODEL_NOT_FOUND: No skin model version 99."


def two_splits(tmp_path: Path) -> Path:
    """A dataset folder with a face in the train and in the test split."""
    records = [
        {"patch": f"{split}/a.png", "person": split, "split": split, "sample": split}
        for split in ("train", "test")
    ]
    return dataset_folder(tmp_path, records, [r["patch"] for r in records])


def test_evaluating_a_version_not_registered_says_so_with_its_code(
    tmp_path: Path, embedded_env: Settings
) -> None:
    folder = two_splits(tmp_path)
    code, stdout, stderr = run("evaluate-skin-model", "--dataset", str(folder), "--version", "9")
    assert (code, stdout) == (1, "")
    assert stderr == "SKIN_MODEL_NOT_FOUND: No skin model version 9."


def test_a_patch_changed_since_the_export_is_refused_naming_it(tmp_path: Path) -> None:
    record = {"patch": "p/a.png", "person": "x", "sha256": "0" * 64}
    folder = dataset_folder(tmp_path, [record], ["p/a.png"])
    code, _, stderr = run("train-skin-model", "--dataset", str(folder), "--epochs", "1")
    assert code == 2
    assert stderr == (
        f"DATASET_FOLDER_INVALID: {folder}: labels.jsonl line 1: the patch p/a.png is not the "
        "one exported (its sha256 differs): corrupt or changed; export the dataset again."
    )


@pytest.mark.parametrize("damage", ["junk weights", "another version's config"])
def test_a_model_file_that_is_unreadable_or_of_another_version_is_refused(
    tmp_path: Path, embedded_env: Settings, damage: str
) -> None:
    from metskin.adapters.ml.skin_cnn import CnnConfig, LoadedCnn, build, load, save
    from metskin.domain.skinmodel.errors import ModelFileInvalid

    folder = tmp_path / "models"
    save(LoadedCnn(build(CnnConfig(("ACNE", "REDNESS"))), CnnConfig(("ACNE",))), folder, "m", "")
    if damage == "junk weights":
        (folder / "m.pt").write_bytes(b"junk")
        (folder / "m.json").write_text(json.dumps({**json.loads((folder / "m.json").read_text()),
                                                    "concerns": ["ACNE", "REDNESS"]}))  # fmt: skip
    with pytest.raises(ModelFileInvalid) as raised:
        load(folder, "m.pt")
    assert raised.value.code == "SKIN_MODEL_FILE_INVALID"
    assert str(folder / "m.pt") in raised.value.message


def test_evaluating_a_version_whose_weights_are_junk_says_so_with_its_code(
    tmp_path: Path, embedded_env: Settings
) -> None:
    from metskin.bootstrap import bootstrap
    from metskin.domain.skinmodel.ports import TrainedCandidate

    container = bootstrap()
    container.skin_models.register(TrainedCandidate("skin-cnn-v1.pt", "h", "c", {}, ""), 1)
    container.close()
    embedded_env.models_dir.mkdir(parents=True, exist_ok=True)
    (embedded_env.models_dir / "skin-cnn-v1.json").write_text('{"concerns": ["ACNE"]}')
    (embedded_env.models_dir / "skin-cnn-v1.pt").write_bytes(b"junk")
    folder = two_splits(tmp_path)
    code, stdout, stderr = run("evaluate-skin-model", "--dataset", str(folder), "--version", "1")
    assert (code, stdout) == (1, "")
    assert stderr.startswith("SKIN_MODEL_FILE_INVALID: ") and "cannot be loaded" in stderr


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(
    tmp_path: Path, embedded_env: Settings
) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    labels = tmp_path / "labels.csv"
    labels.write_text("file,acne\na.jpg,2\n")
    imported = ("dataset", "import", str(tmp_path), "--labels", str(labels), "--origin", "A clinic",
                "--licence", "CC BY 4.0")  # fmt: skip
    for command in (("dataset", "export"), imported):
        code, stdout, stderr = run(*command, "--out", str(taken / "datasets"))
        assert (code, stdout) == (2, "")
        assert stderr.startswith(f"DATASET_OUT_INVALID: {taken / 'datasets'}: cannot be written")


@pytest.mark.parametrize("action", ["promote", "shadow"])
def test_a_version_whose_weights_the_models_folder_lacks_is_neither_promoted_nor_shadowed(
    embedded_env: Settings, action: str
) -> None:
    from metskin.bootstrap import bootstrap
    from metskin.domain.skinmodel.ports import TrainedCandidate
    from tests.unit.skinmodel.test_gate import ENGINE, table

    better = table({"3": {"ACNE": 0.4, "REDNESS": 0.9}, "8": {"ACNE": 0.5, "REDNESS": 0.9}})
    passing = {"candidate": better, "engine": ENGINE, "live": None, "live_version": None}
    container = bootstrap()
    container.skin_models.register(TrainedCandidate("skin-cnn-v1.pt", "h", "c", passing, ""), 1)
    assert container.skin_models.gate(1).passed
    container.close()
    code, stdout, stderr = run("skin-model", action, "1")
    assert (code, stdout) == (1, "")
    assert stderr.startswith("SKIN_MODEL_FILE_INVALID: ") and "cannot be loaded" in stderr
    container = bootstrap()
    assert container.skin_models.version(1).state.value == "CANDIDATE"
    container.close()


def test_a_labels_row_naming_a_photo_not_there_is_refused_naming_the_row(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"a photo")
    labels = tmp_path / "labels.csv"
    labels.write_text("file,acne\na.jpg,2\nmissing.jpg,1\n")
    code, stdout, stderr = run(
        "dataset", "import", str(tmp_path), "--labels", str(labels), "--origin", "A clinic",
        "--licence", "CC BY 4.0", "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"DATASET_LABELS_INVALID: Row 3 names missing.jpg, which is not a file under {tmp_path}."
    )
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (("train-skin-model", "--epochs", "1"), "its test split holds no face"),
        (("evaluate-engine", "--split", "tset"), "its tset split holds no face"),
        (("evaluate-skin-model", "--version", "1", "--split", "val"), "its val split holds no"),
    ],
)
def test_a_split_with_no_face_is_refused_before_a_version_is_registered(
    tmp_path: Path, embedded_env: Settings, command: tuple[str, ...], says: str
) -> None:
    records = [{"patch": "p/a.png", "person": "x", "split": "train", "sample": "s"}]
    folder = dataset_folder(tmp_path, records, ["p/a.png"])
    code, stdout, stderr = run(*command, "--dataset", str(folder))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"DATASET_SPLIT_EMPTY: {folder}: {says}")
    assert run("skin-model", "list")[1] == ""  # nothing registered
