"""Links that carry a bearer token never reach the access log in full (issue 13.4 for media;
export downloads and unsubscribe links since the ninth session): uvicorn's access line shows
the token cut short."""

from __future__ import annotations

import logging

import pytest

from metskin.logging import TOKEN_SHOWN, hide_link_tokens, truncate_link_path

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJvYmoiOiJ4In0.c2lnbmF0dXJl"
ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d'  # uvicorn's access log message


def test_a_media_path_keeps_only_the_start_of_its_token() -> None:
    shown = truncate_link_path(f"/media/{TOKEN}")
    assert shown == f"/media/{TOKEN[:TOKEN_SHOWN]}..."
    assert TOKEN not in shown
    assert truncate_link_path("/graphql?x=1") == "/graphql?x=1"
    assert truncate_link_path("/static/app.js") == "/static/app.js"


def test_the_access_logger_writes_the_truncated_token(caplog: pytest.LogCaptureFixture) -> None:
    name = "test.uvicorn.access"
    hide_link_tokens(name)
    hide_link_tokens(name)  # installed once
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
    assert any(type(item).__name__ == "TruncateLinkTokens" for item in filters)


@pytest.mark.parametrize("route", ["/media/", "/exports/", "/unsubscribe/"])
def test_no_link_token_reaches_the_access_log_whole(
    container: object, route: str, caplog: pytest.LogCaptureFixture
) -> None:
    """An export link downloads the person's whole data (photos, analyses, referrals) for 10
    minutes and an unsubscribe link stops their emails: the access log, read by whoever runs
    the servers or the log store, must not hold one that works (it held both whole)."""
    from metskin.graphql.app import create_app

    create_app(container)  # type: ignore[arg-type]
    logger = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info(ACCESS_FORMAT, "127.0.0.1:5000", "GET", f"{route}{TOKEN}", "1.1", 200)
    assert TOKEN not in caplog.text
    assert f"GET {route}{TOKEN[:TOKEN_SHOWN]}... HTTP/1.1" in caplog.text
