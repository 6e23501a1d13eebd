"""Wording on the result and routine pages that a new user's walk found wrong (tenth session),
read from the views' own functions in the page: a concern's places with their scores out of
100 and none under a "none" band; a routine step's "how" and "when" on lines of their own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.test_web_zones import run
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-wording")
browser = browser_fixture()


def concern(band: str) -> dict[str, Any]:
    return {"name": "redness", "title": "Redness", "band": band, "bandLabel": band.title(),
            "score": 22, "scoreLow": 15, "scoreHigh": 30, "explanation": "Some redness.",
            "meaning": "", "advice": "",
            "regions": [{"region": "cheek_right", "score": 26.2},
                        {"region": "nose", "score": 9.0}]}  # fmt: skip


def test_a_concern_s_places_carry_their_scores_and_a_none_band_names_none(
    browser: Browser, server: str
) -> None:
    """Before: "Where: right cheek 26" (a number without its scale), also under a concern
    banded "none" whose text says nothing worth noting was seen."""
    said = run(
        browser,
        "const { concernCard } = await import('/static/views/analysis.js');"
        f"const cards = {json.dumps([concern('mild'), concern('none')])}.map(concernCard);"
        "done(cards.map((card) => card.querySelector('.where')?.textContent ?? null));",
    )
    mild, none = said
    assert mild is not None and "(26 of 100)" in mild and "nose" not in mild, said
    assert none is None, said


def test_a_routine_step_says_how_and_when_on_lines_of_their_own(
    browser: Browser, server: str
) -> None:
    """Before: "How: Soak a cotton pad and wipe gently; no need to rinse, Morning and evening"
    (the label's "how" and "when" joined by a comma, the second capitalised)."""
    step = {"slot": "toner", "product": None, "productId": "p1", "price": None,
            "noLongerSold": None, "howMuch": "Soak a cotton pad and wipe gently; no need to rinse",
            "frequency": "Morning and evening", "introduce": [], "why": [],
            "warnings": []}  # fmt: skip
    said = run(
        browser,
        "const { oneStep } = await import('/static/views/routine.js');"
        f"const step = oneStep({json.dumps(step)}, 0, () => {{}});"
        "done([...step.querySelectorAll('p')].map((line) => line.textContent));",
    )
    assert "How: Soak a cotton pad and wipe gently; no need to rinse" in said, said
    assert "When: Morning and evening" in said, said
    assert not any("rinse, Morning" in line for line in said), said
