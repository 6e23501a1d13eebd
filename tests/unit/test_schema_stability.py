"""No breaking change of the served schema against the released one unless it is listed as
intended (docs/schema/README.md says how to release)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from metskin.graphql.schema import schema_sdl

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schema"
RELEASED = SCHEMA_DIR / "released.sdl"
API_GUIDE = SCHEMA_DIR.parent / "api.md"
SINCE_RELEASE = "## Changes since the last release"
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


def dangerous_changes(released_sdl: str, current_sdl: str) -> list[str]:
    """What each change that breaks no request but may surprise a client names: an enum value
    an answer may now carry (`AppointmentStatus.NO_SHOW`), an optional argument or input field
    (`Query.users(search:)`), as graphql-core's `find_dangerous_changes` finds them."""
    changes = find_dangerous_changes(build_schema(released_sdl), build_schema(current_sdl))
    named = (
        re.search(r"\b[A-Za-z_]\w*\.[A-Za-z_]\w*(?:\(\w+:\))?", c.description) for c in changes
    )
    return sorted({found.group(0) for found in named if found})


def test_every_change_a_client_may_meet_since_the_release_is_announced() -> None:
    """An integrator's exhaustive switch over an enum meets the new value in an answer: each
    addition since the release is listed in docs/api.md ("Changes since the last release"),
    which a release empties (docs/schema/README.md)."""
    guide = API_GUIDE.read_text(encoding="utf-8")
    assert SINCE_RELEASE in guide
    section = guide.split(SINCE_RELEASE, 1)[1].split("\n## ", 1)[0]
    found = dangerous_changes(RELEASED.read_text(encoding="utf-8"), schema_sdl())
    unlisted = [name for name in found if f"`{name}`" not in section]
    assert not unlisted, f"Not in docs/api.md's '{SINCE_RELEASE}':\n" + "\n".join(unlisted)


def test_the_announcements_name_what_changed() -> None:
    released = "enum E { A } type Query { f(x: Int): E }"
    current = "enum E { A B } type Query { f(x: Int, y: Int = 1): E }"
    assert dangerous_changes(released, current) == ["E.B", "Query.f(y:)"]
