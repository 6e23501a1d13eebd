"""Media links never reach the access log in full (issue 13.4): uvicorn's access line shows the
token cut short."""

from __future__ import annotations

import logging

import pytest

from metskin.logging import TOKEN_SHOWN, hide_media_tokens, truncate_media_path

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJvYmoiOiJ4In0.c2lnbmF0dXJl"
ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d'  # uvicorn's access log message


def test_a_media_path_keeps_only_the_start_of_its_token() -> None:
    shown = truncate_media_path(f"/media/{TOKEN}")
    assert shown == f"/media/{TOKEN[:TOKEN_SHOWN]}..."
    assert TOKEN not in shown
    assert truncate_media_path("/graphql?x=1") == "/graphql?x=1"


def test_the_access_logger_writes_the_truncated_token(caplog: pytest.LogCaptureFixture) -> None:
    name = "test.uvicorn.access"
    hide_media_tokens(name)
    hide_media_tokens(name)  # installed once
    logger = logging.getLogger(name)
    assert len(logger.filters) == 1
    with caplog.at_level(logging.INFO, logger=name):
        logger.info(ACCESS_FORMAT, "127.0.0.1:5000", "GET", f"/media/{TOKEN}", "1.1", 200)
    assert TOKEN not in caplog.text
    assert f"GET /media/{TOKEN[:TOKEN_SHOWN]}... HTTP/1.1" in caplog.text


def test_the_app_installs_the_filter_on_uvicorns_access_log(container: object) -> None:
    from metskin.graphql.app import create_app

    create_app(container)  # type: ignore[arg-type]
    filters = logging.getLogger("uvicorn.access").filters
    assert any(type(item).__name__ == "TruncateMediaTokens" for item in filters)
