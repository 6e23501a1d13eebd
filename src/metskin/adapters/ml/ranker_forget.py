"""People forgotten in the learned recommender's saved versions.

A version keeps, for each rater it learnt from, their account id (in its `.json`), an
embedding row learnt from their ratings and the side features of their skin and profile (in
its `.pt`): personal data, and about their skin. An erased account, and a person who withdraws
their learning consent, are forgotten in every saved version (serving, older and rolled back):
their id is replaced by "" and their two rows are zeroed, so the version scores them as it
scores someone it never saw. The products' side, which their ratings also shaped, stays until
the next training without them (`metskin recommender list` counts who left since).

Each file is rewritten whole beside itself and then moved over it, the `.pt` first: a run cut
short between the two leaves the id in the `.json`, so the next run finds them again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from metskin.adapters.ml.recommender_files import saved_versions

FORGOTTEN = ""  # a rater's id once forgotten: no account has it
# the state-dict entries with one row per rater (row 0: the unknown rater)
RATER_ROWS = ("users.ids.weight", "user_features")


def forget_raters(folder: Path, leaving: Callable[[list[str]], Collection[str]]) -> int:
    """Forget, in every saved version in `folder`, the raters `leaving` names among its
    raters; how many rows were forgotten. Idempotent."""
    forgotten = 0
    for saved in saved_versions(folder):
        ids = list(saved.meta.get("config", {}).get("user_ids", []))
        gone = set(leaving([rater for rater in ids if rater != FORGOTTEN]))
        rows = [n for n, rater in enumerate(ids) if rater != FORGOTTEN and rater in gone]
        if not rows:
            continue
        _zero_rows(saved.path, [n + 1 for n in rows])
        for n in rows:
            ids[n] = FORGOTTEN
        saved.meta["config"]["user_ids"] = ids
        _replace(
            saved.path.with_suffix(".json"),
            json.dumps(saved.meta, indent=2, sort_keys=True).encode("utf-8"),
        )
        forgotten += len(rows)
    return forgotten


def forget_account(folder: Path, user_id: str) -> int:
    """An erased account, forgotten in every saved version."""
    return forget_raters(folder, lambda raters: {user_id} & set(raters))


def _zero_rows(path: Path, rows: list[int]) -> None:
    import io

    import torch

    state = torch.load(path, weights_only=True, map_location="cpu")
    index = torch.tensor(rows)
    for name in RATER_ROWS:
        state[name][index] = 0
    buffer = io.BytesIO()
    torch.save(state, buffer)
    _replace(path, buffer.getvalue())


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.forget.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def forget_withdrawn_raters(uow_factory: Callable[[], Any], folder: Path) -> int:
    """The raters whose account withdrew its learning consent, forgotten in every saved
    version (the withdrawal's job). Raters that are no account (a version trained on ratings
    from a file) are left alone; erased accounts were forgotten by their erasure."""

    def leaving(raters: list[str]) -> set[str]:
        with uow_factory() as uow:
            accounts = {user.id for user in uow.users.list_by_ids(raters)}
            return accounts - set(uow.consents.consenting())

    return forget_raters(folder, leaving)
