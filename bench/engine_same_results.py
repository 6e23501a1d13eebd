"""Are two engine trees' results the same? `analyse_image(...).to_dict()` of London photos
(neutral and smiling) and a digest of every region and pixel mask, written by each tree, then
compared field by field.

    PYTHONPATH=<before>/src .venv/bin/python bench/engine_same_results.py dump before.json [13]
    PYTHONPATH=<after>/src .venv/bin/python bench/engine_same_results.py dump after.json [13]
    .venv/bin/python bench/engine_same_results.py compare before.json after.json

`dump` analyses the first `count` photos of each folder (the same sorted files in both trees);
`compare` prints every field that differs (path, before, after) and a count; no line but the
count means the reported results are identical.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared/data"
FOLDERS = ("london-faces", "london-faces-smiling")


def dump(target: Path, count: int) -> None:
    from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
    from metskin.adapters.vision.images import load_image
    from metskin.domain.analysis.engine import analyse_image

    landmarker = MediaPipeLandmarker()
    found = {}
    for folder in FOLDERS:
        for path in sorted((DATA / folder).glob("*.jpg"))[:count]:
            result = analyse_image(load_image(path), landmarker)
            masks = result.geometry.masks if result.geometry else {}
            found[f"{folder}/{path.name}"] = {
                **result.to_dict(),
                "masks (SHA-256 of the bits)": {
                    name: hashlib.sha256(np.packbits(mask)).hexdigest()[:16]
                    for name, mask in sorted(masks.items())
                },
            }
    target.write_text(json.dumps(found, sort_keys=True, indent=1))
    print(f"{len(found)} photos written to {target}")


def differences(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from differences(before.get(key), after.get(key), f"{path}/{key}")
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (one, two) in enumerate(zip(before, after, strict=True)):
            yield from differences(one, two, f"{path}[{index}]")
    elif before != after:
        yield path, before, after


def compare(before_file: Path, after_file: Path) -> None:
    before, after = (json.loads(Path(name).read_text()) for name in (before_file, after_file))
    found = list(differences(before, after))
    for path, one, two in found:
        print(f"{path}: {one!r} -> {two!r}")
    print(f"{len(before)} photos, {len(found)} differing fields")


def main() -> None:
    command, *rest = sys.argv[1:]
    if command == "dump":
        dump(Path(rest[0]), int(rest[1]) if len(rest) > 1 else 13)
    else:
        compare(Path(rest[0]), Path(rest[1]))


if __name__ == "__main__":
    main()
