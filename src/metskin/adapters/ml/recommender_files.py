"""The learned recommender's files in the models folder, read without torch: which versions
are saved, which one `serve` uses (the newest not rolled back), and rolling one back.

A version is `recommender-v{N}-{UTC}.pt` beside its `.json` (config, ids, metrics). Rolling
back renames the newest version's two files with a `retired-` prefix: kept for reading, never
served again, and its number never given to another version.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE_NAME = re.compile(r"^recommender-v(\d+)-(\d{8}T\d{6}Z)\.pt$")
RETIRED = "retired-"


def model_files(folder: Path, prefix: str = "") -> list[tuple[int, str, Path]]:
    """Complete model files (a .pt with its .json), oldest first; with `prefix` RETIRED, the
    rolled-back ones."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if not path.name.startswith(prefix):
            continue
        match = FILE_NAME.match(path.name[len(prefix) :])
        if match and path.with_suffix(".json").is_file():
            found.append((int(match.group(1)), match.group(2), path))
    return sorted(found)


def newest_version(folder: Path) -> int | None:
    """The version `serve` uses, None when none is saved (or all were rolled back)."""
    found = model_files(folder)
    return found[-1][0] if found else None


def next_version(folder: Path) -> int:
    """The number of the next version saved: after every one saved, rolled back or not."""
    numbers = [v for v, _, _ in model_files(folder) + model_files(folder, RETIRED)]
    return max(numbers, default=0) + 1


@dataclass(frozen=True)
class SavedVersion:
    """A saved version: its number, its metadata (`metrics`: what it was trained on and how
    it did on held-out ratings), whether `serve` uses it, whether it was rolled back."""

    version: int
    path: Path
    meta: dict[str, Any]
    serving: bool
    retired: bool


def saved_versions(folder: Path) -> list[SavedVersion]:
    """Every saved version, oldest first, rolled-back ones included."""
    serving = newest_version(folder)
    found = [(v, p, False) for v, _, p in model_files(folder)]
    found += [(v, p, True) for v, _, p in model_files(folder, RETIRED)]
    return [
        SavedVersion(
            version,
            path,
            json.loads(path.with_suffix(".json").read_text(encoding="utf-8")),
            not retired and version == serving,
            retired,
        )
        for version, path, retired in sorted(found, key=lambda f: (f[0], f[2]))
    ]


def retire_newest(folder: Path) -> tuple[int, int | None] | None:
    """Roll back the version `serve` uses: (its number, the version used now, None for the
    content score alone), or None when no version is in use."""
    found = model_files(folder)
    if not found:
        return None
    version, _, path = found[-1]
    for file in (path, path.with_suffix(".json")):  # the .pt first: never a .pt without .json
        os.replace(file, file.with_name(RETIRED + file.name))
    return version, found[-2][0] if len(found) > 1 else None
