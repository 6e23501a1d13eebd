"""The promotion gate on error tables: it must beat the engine on a concern, beat what is shown
now on the mean, be no worse on any Monk tone with enough faces, on enough held-out faces,
against the live version that is still live."""

from __future__ import annotations

from typing import Any

from metskin.domain.skinmodel.evaluation import Graded, error_table, fit_engine_lines
from metskin.domain.skinmodel.gate import decide


def table(errors: dict[str, dict[str, float]], faces_per_tone: int = 4) -> dict[str, Any]:
    """A table from per-tone errors of each concern (every face of a tone has that error)."""
    rows = []
    for tone, by in errors.items():
        for index in range(faces_per_tone):
            truth = {c: 2 for c in by}
            rows.append(
                Graded(f"{tone}-{index}", int(tone), truth, {c: 2 + e for c, e in by.items()})
            )
    return error_table(rows)


ENGINE = table({"3": {"ACNE": 1.0, "REDNESS": 0.5}, "8": {"ACNE": 1.0, "REDNESS": 0.5}})


def metrics(candidate: dict[str, Any], live: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"candidate": candidate, "engine": ENGINE, "live": live, "live_version": None}


def test_a_model_better_on_one_concern_on_every_tone_passes_and_is_used_only_there() -> None:
    better = table({"3": {"ACNE": 0.4, "REDNESS": 0.9}, "8": {"ACNE": 0.5, "REDNESS": 0.9}})
    decision = decide(metrics(better), None)
    assert decision.passed and decision.uses == ("ACNE",)


def test_a_concern_better_overall_but_worse_on_one_monk_tone_is_not_used() -> None:
    uneven = table({"3": {"ACNE": 0.1, "REDNESS": 0.1}, "8": {"ACNE": 1.3, "REDNESS": 0.5}})
    decision = decide(metrics(uneven), None)
    assert uneven["per_concern"]["ACNE"] < ENGINE["per_concern"]["ACNE"]
    assert decision.uses == ("REDNESS",)  # ACNE is worse on Monk 8
    assert decision.passed  # REDNESS alone beats the engine everywhere


def test_a_model_worse_on_one_monk_tone_than_what_is_shown_is_refused() -> None:
    live = table({"3": {"ACNE": 0.5, "REDNESS": 0.5}, "8": {"ACNE": 0.5, "REDNESS": 0.5}})
    candidate = table({"3": {"ACNE": 0.1, "REDNESS": 0.1}, "8": {"ACNE": 0.6, "REDNESS": 0.6}})
    decision = decide({**metrics(candidate, live), "live_version": 1}, 1)
    assert not decision.passed
    assert decision.reasons == (
        "worse on Monk tone 8: 0.550 against 0.500",
    )  # ACNE 0.6, REDNESS the engine 0.5


def test_nothing_better_than_the_engine_is_refused_with_reasons() -> None:
    worse = table({"3": {"ACNE": 1.2, "REDNESS": 0.6}, "8": {"ACNE": 1.1, "REDNESS": 0.7}})
    decision = decide(metrics(worse), None)
    assert not decision.passed and decision.uses == ()
    assert any("no concern" in reason for reason in decision.reasons)


def test_a_candidate_must_beat_the_live_model_and_be_compared_with_the_live_one() -> None:
    live = table({"3": {"ACNE": 0.3, "REDNESS": 0.5}, "8": {"ACNE": 0.3, "REDNESS": 0.5}})
    candidate = table({"3": {"ACNE": 0.5, "REDNESS": 0.5}, "8": {"ACNE": 0.5, "REDNESS": 0.5}})
    compared = {**metrics(candidate, live), "live_version": 1}
    refused = decide(compared, 1)
    assert not refused.passed and any("not below" in r for r in refused.reasons)
    assert any("evaluate again" in r for r in decide(compared, 2).reasons)


def test_too_few_held_out_faces_are_refused_and_small_tones_are_not_judged() -> None:
    tiny = table({"3": {"ACNE": 0.1, "REDNESS": 0.1}}, faces_per_tone=2)
    decision = decide(metrics(tiny), None)
    assert not decision.passed and any("held-out faces" in r for r in decision.reasons)


def test_the_engine_line_is_fitted_on_training_faces_and_clipped_to_the_scale() -> None:
    lines = fit_engine_lines([("ACNE", 0.0, 0), ("ACNE", 50.0, 2), ("ACNE", 100.0, 4)])
    assert abs(lines["ACNE"].grade("ACNE", 25.0) - 1.0) < 1e-9
    assert lines["ACNE"].grade("ACNE", 400.0) == 4.0
    flat = fit_engine_lines([("REDNESS", 30.0, 1), ("REDNESS", 30.0, 3)])
    assert flat["REDNESS"].grade("REDNESS", 90.0) == 2.0
