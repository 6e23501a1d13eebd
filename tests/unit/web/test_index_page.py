"""The index page's module list is kept while the app's files are unchanged, and made again
when one of them changes (`metskin.web.index_page`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import metskin.web as web


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "index.html").write_text(f"<html>{web.APP_SCRIPT}</html>")
    (tmp_path / "app.js").write_text('import { a } from "./a.js";\n')
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    (tmp_path / "b.js").write_text("export const b = 2;\n")
    monkeypatch.setattr(web, "web_root", lambda: tmp_path)
    monkeypatch.setattr(web, "_index", None)
    return tmp_path


def _touch(path: Path, text: str) -> None:
    """Write `text` and move the modification time on, as an edit a second later would."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_the_page_is_made_once_while_no_file_changes(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    graph = web.module_graph
    monkeypatch.setattr(web, "module_graph", lambda: made.append(1) or graph())
    first = web.index_page()
    assert b'<link rel="modulepreload" href="/static/a.js">' in first
    assert web.index_page() == first
    assert web.index_page() == first
    assert len(made) == 1


def test_an_edited_module_makes_the_page_again(root: Path) -> None:
    assert b"/static/b.js" not in web.index_page()
    _touch(root / "a.js", 'export { b } from "./b.js";\nexport const a = 1;\n')
    assert b'<link rel="modulepreload" href="/static/b.js">' in web.index_page()
    _touch(root / "app.js", "console.log(1);\n")
    page = web.index_page()
    assert b"/static/a.js" not in page and b"/static/b.js" not in page


def test_an_edited_index_html_is_served(root: Path) -> None:
    web.index_page()
    _touch(root / "index.html", f"<html lang='fr'>{web.APP_SCRIPT}</html>")
    assert web.index_page().startswith(b"<html lang='fr'>")


def test_a_module_gone_is_not_kept(root: Path) -> None:
    web.index_page()
    (root / "a.js").unlink()
    web.index_page()
    assert web._index is None  # a graph naming a missing file is made again on every request
    (root / "a.js").write_text('export { b } from "./b.js";\n')
    assert b"/static/b.js" in web.index_page()
