"""The committed schema.graphql is what the code serves; regenerate with `metskin export-schema`."""

from __future__ import annotations

from pathlib import Path

from metskin.graphql.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.exists(), "run `metskin export-schema`"
    assert SCHEMA_FILE.read_text() == schema_sdl(), "schema.graphql is stale: run `make schema`"
