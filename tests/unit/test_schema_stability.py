"""No breaking change of the served schema against the released one unless it is listed as
intended (docs/schema/README.md says how to release)."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from metskin.graphql.schema import schema_sdl

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schema"
RELEASED = SCHEMA_DIR / "released.sdl"
INTENDED = SCHEMA_DIR / "intended-breaking.txt"


def breaking_changes(released_sdl: str, current_sdl: str) -> list[str]:
    """Each breaking change as one line: `KIND: description`."""
    changes = find_breaking_changes(build_schema(released_sdl), build_schema(current_sdl))
    return sorted(f"{change.type.name}: {change.description}" for change in changes)


def intended() -> set[str]:
    lines = INTENDED.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_no_unlisted_breaking_change_against_the_released_schema() -> None:
    found = breaking_changes(RELEASED.read_text(encoding="utf-8"), schema_sdl())
    unlisted = [change for change in found if change not in intended()]
    assert not unlisted, (
        "Breaking changes against docs/schema/released.sdl; undo them or list them in "
        "docs/schema/intended-breaking.txt:\n" + "\n".join(unlisted)
    )


def test_every_listed_change_still_happens() -> None:
    found = set(breaking_changes(RELEASED.read_text(encoding="utf-8"), schema_sdl()))
    stale = sorted(intended() - found)
    assert not stale, "Not a breaking change (any more); remove from the list:\n" + "\n".join(stale)


def test_the_check_sees_a_removed_field_and_a_new_required_argument() -> None:
    released = "type Query { a: Int, b(x: Int): String }"
    current = "type Query { b(x: Int, y: Int!): String, c: Int }"
    assert breaking_changes(released, current) == [
        "FIELD_REMOVED: Field Query.a was removed.",
        "REQUIRED_ARG_ADDED: A required argument Query.b(y:) was added.",
    ]
    assert breaking_changes(released, released + "\ntype Extra { z: Int }") == []
