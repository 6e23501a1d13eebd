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


def in_language(locale: str, script: str) -> str:
    """`script` run in the page once the app speaks `locale` (its catalog loaded)."""
    return (
        "const i18n = await import('/static/i18n.js');"
        f"await i18n.loadMessages({json.dumps(locale)});"
        f"{script}"
    )


@pytest.mark.parametrize(
    ("locale", "due"),
    [("fr-FR", "Prochaine photo de suivi : lun. 4 janv."), ("de-DE", "Mo., 4. Jan.")],
)
def test_a_sentence_that_ends_with_an_abbreviated_date_ends_with_one_full_stop(
    browser: Browser, server: str, locale: str, due: str
) -> None:
    """The progress page read "Prochaine photo de suivi : lun. 4 janv.." in French and
    "… Mo., 4. Jan.." in German: the short date's own point, then the sentence's."""
    said = run(
        browser,
        in_language(
            locale,
            "const { nextText } = await import('/static/views/checkin.js');"
            "done(nextText({ nextCheckIn: '2027-01-04T10:00:00Z', reminder: 'NONE' },"
            " 'Europe/Paris', new Date('2026-12-07T10:00:00Z')));",
        ),
    )
    assert said.endswith(due) and not said.endswith(".."), said


@pytest.mark.parametrize(
    ("locale", "none", "one", "half"),
    [
        ("fr-FR", "0 tache", "1 lésion", "Acné : en hausse de 1,5 point"),
        ("de-DE", "0 Flecken", "1 Läsion", "Akne: um 1,5 Punkte gestiegen"),
        ("en-GB", "0 spots", "1 lesion", "Acne: up 1.5 points"),
    ],
)
def test_counts_take_the_language_s_singular_and_plural(
    browser: Browser, server: str, locale: str, none: str, one: str, half: str
) -> None:
    """French takes the singular for 0 and for anything under 2: the result page said
    "0 taches" and a change "en hausse de 1,5 points"; English and German say "0 spots",
    "0 Flecken", as before."""
    delta = {"concern": "acne", "region": "face", "change": "INCREASED", "delta": 1.5}
    comparison = {"comparability": {"flagged": False, "differentPerson": False, "reasons": []},
                  "changedConcerns": ["acne"], "deltas": [delta],
                  "before": {"createdAt": "2026-11-01T10:00:00Z"},
                  "after": {"createdAt": "2026-12-01T10:00:00Z"}}  # fmt: skip
    said = run(
        browser,
        in_language(
            locale,
            "const { spotsCard } = await import('/static/views/analysis.js');"
            "const { lesionCount } = await import('/static/views/lesions.js');"
            "const { summary } = await import('/static/views/trends.js');"
            f"const changes = summary({json.dumps(comparison)});"
            "done([spotsCard([]).querySelector('#spots-count').textContent, lesionCount(1),"
            " changes.textContent]);",
        ),
    )
    assert said[:2] == [none, one], said
    assert said[2].endswith(half), said


@pytest.mark.parametrize(
    ("locale", "done", "active"),
    [
        ("fr-FR", "100 %", "Retinol 0,5 %"),
        ("de-DE", "100 %", "Retinol 0,5 %"),
        ("en-GB", "100%", "Retinol 0.5%"),
    ],
)
def test_percentages_are_written_as_the_language_writes_them(
    browser: Browser, server: str, locale: str, done: str, active: str
) -> None:
    """The analysis's progress read "100%" and a product's actives "Retinol 0.5%" in every
    language; French and German put a space before the sign, and a comma in the number."""
    step = {"slot": "serum", "productId": "p1", "price": None, "noLongerSold": None,
            "howMuch": "", "frequency": "", "introduce": [], "why": [], "warnings": [],
            "product": {"id": "p1", "brand": "B", "name": "N", "price": 10, "currency": "EUR",
                        "size": "30 ml", "spf": None,
                        "keyActives": [{"name": "Retinol", "percent": 0.5}]}}  # fmt: skip
    said = run(
        browser,
        in_language(
            locale,
            "const { progressPanel } = await import('/static/views/progress.js');"
            "const { oneStep } = await import('/static/views/routine.js');"
            "const progress = progressPanel();"
            "progress.update({ stage: 'DONE', progress: 1 });"
            f"const step = oneStep({json.dumps(step)}, 0, () => {{}});"
            "done([progress.panel.querySelector('#progress-percent').textContent,"
            " step.textContent]);",
        ),
    )
    shown, line = (" ".join(text.split()) for text in said)  # Intl's narrow no-break spaces
    assert shown == done, said
    assert active in line, said
