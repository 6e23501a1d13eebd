"""Migration 0029 on SQLite and MariaDB: the editors' articles and videos saved before drafts
stay published; going back hides the drafts (the older code would show them to everyone)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from metskin.adapters.db.content import ContentEditRow
from metskin.adapters.db.migrations import downgrade, upgrade
from tests.integration.test_migrations import (  # noqa: F401  (the fixture)
    empty_database,
    old_rows,
    schema_drift,
)

ITEM = {"slug": "gloves", "title": "Gloves", "tags": ["dryness"], "reading_minutes": 2,
        "summary": "", "body": "Wear gloves.\n"}  # fmt: skip


def edits(url: str) -> list[tuple[str, bool, bool]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        query = "SELECT slug, deleted, published FROM content_edits ORDER BY slug"
        rows = [(slug, bool(deleted), bool(published))
                for slug, deleted, published in connection.execute(text(query))]  # fmt: skip
    engine.dispose()
    return rows


def test_0029_keeps_existing_edits_published_and_hides_drafts_on_the_way_back(
    empty_database: str,  # noqa: F811
) -> None:
    url = empty_database
    upgrade(url, "0028")
    now = datetime.now(UTC)
    old_rows(url, *(
        ContentEditRow(kind="article", slug=slug, deleted=deleted, item={} if deleted else ITEM,
                       edited_at=now, edited_by="admin")
        for slug, deleted in (("gloves", False), ("gone", True))
    ))  # fmt: skip
    upgrade(url, "0029")
    assert edits(url) == [("gloves", False, True), ("gone", True, True)]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE content_edits SET published = :no WHERE slug = 'gloves'"),
                           {"no": False})  # fmt: skip
    engine.dispose()
    downgrade(url, "0028")
    engine = create_engine(url)
    with engine.connect() as connection:
        query = "SELECT slug, deleted FROM content_edits ORDER BY slug"
        back = [(slug, bool(deleted)) for slug, deleted in connection.execute(text(query))]
    engine.dispose()
    assert back == [("gloves", True), ("gone", True)]  # the draft hidden, not shown
    upgrade(url, "head")
    assert schema_drift(url) == []
