"""The promotion gate on error tables: it must beat the engine on a concern, beat what is shown
now on the mean, be no worse on any Monk tone (small tones judged with their band's other small
ones, or refused when still too few), on enough held-out faces, against the live version that
is still live."""

from __future__ import annotations

from typing import Any

from metskin.domain.skinmodel.evaluation import Graded, error_table, fit_engine_lines
from metskin.domain.skinmodel.gate import decide


def table(
    errors: dict[str, dict[str, float]], faces_per_tone: int = 4, **faces: int
) -> dict[str, Any]:
    """A table from per-tone errors of each concern (every face of a tone has that error);
    `m10=2`: Monk 10 has 2 faces."""
    rows = []
    for tone, by in errors.items():
        for index in range(faces.get(f"m{tone}", faces_per_tone)):
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


def test_a_better_concern_does_not_buy_a_worse_one_on_a_monk_tone() -> None:
    """The live model scores acne; the candidate scores acne (better than the engine
    everywhere, but worse than the live model on Monk 8) and redness (far better): the mean
    over concerns improves on every tone, yet acne on Monk 8 would be read worse than now."""
    engine = table({"3": {"ACNE": 1.0, "REDNESS": 1.0}, "8": {"ACNE": 1.0, "REDNESS": 1.0}})
    live = table({"3": {"ACNE": 0.5, "REDNESS": 1.0}, "8": {"ACNE": 0.5, "REDNESS": 1.0}})
    candidate = table({"3": {"ACNE": 0.5, "REDNESS": 0.3}, "8": {"ACNE": 0.9, "REDNESS": 0.3}})
    compared = {"candidate": candidate, "engine": engine, "live": live, "live_version": 1}
    decision = decide(compared, 1)
    assert decision.uses == ("ACNE", "REDNESS")
    assert {t.group: (t.shown, t.current) for t in decision.tones} == {
        "3": (0.4, 0.75),
        "8": (0.6, 0.75),
    }  # better on the mean of each tone
    assert not decision.passed
    assert decision.reasons == ("worse on Monk tone 8 for ACNE: 0.900 against 0.500 now",)


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


def test_too_few_held_out_faces_are_refused() -> None:
    tiny = table({"3": {"ACNE": 0.1, "REDNESS": 0.1}}, faces_per_tone=2)
    decision = decide(metrics(tiny), None)
    assert not decision.passed and any("held-out faces" in r for r in decision.reasons)


def test_a_deep_tone_with_two_faces_worse_than_the_engine_refuses_the_candidate() -> None:
    deep = {"2": {"ACNE": 1.0}, "10": {"ACNE": 0.5}}
    engine = table(deep, 20, m10=2)
    candidate = table({"2": {"ACNE": 0.4}, "10": {"ACNE": 3.0}}, 20, m10=2)
    decision = decide({**metrics(candidate), "engine": engine}, None)
    assert not decision.passed and decision.uses == ()
    assert decision.reasons[-1] == (
        "Monk tone 10: only 2 held-out faces, at least 3 needed (with the other small tones of "
        "Monk 7-10); label more faces of this tone"
    )


def deep_metrics(acne_by_tone: dict[str, float]) -> dict[str, Any]:
    """Monk 3 and 8 with 10 faces each, Monk 9 with 1, Monk 10 with 2 (those present)."""
    sizes = {"m9": 1, "m10": 2}
    candidate = table({t: {"ACNE": e} for t, e in acne_by_tone.items()}, 10, **sizes)
    engine = table({t: {"ACNE": 1.0} for t in acne_by_tone}, 10, **sizes)
    return {**metrics(candidate), "engine": engine}


def test_small_tones_of_a_band_are_judged_together_never_hidden_by_a_large_one() -> None:
    assert decide(deep_metrics({"3": 0.5, "8": 0.5, "9": 0.5, "10": 0.8}), None).passed
    worse = decide(deep_metrics({"3": 0.5, "8": 0.5, "9": 0.5, "10": 1.6}), None)
    assert not worse.passed and worse.uses == ()  # Monk 9+10: 1.23 against 1.0
    alone = decide(deep_metrics({"3": 0.5, "8": 0.5, "10": 0.5}), None)
    assert not alone.passed and alone.reasons[-1].startswith("Monk tone 10: only 2 held-out")


def test_the_engine_line_is_fitted_on_training_faces_and_clipped_to_the_scale() -> None:
    lines = fit_engine_lines([("ACNE", 0.0, 0), ("ACNE", 50.0, 2), ("ACNE", 100.0, 4)])
    assert abs(lines["ACNE"].grade("ACNE", 25.0) - 1.0) < 1e-9
    assert lines["ACNE"].grade("ACNE", 400.0) == 4.0
    flat = fit_engine_lines([("REDNESS", 30.0, 1), ("REDNESS", 30.0, 3)])
    assert flat["REDNESS"].grade("REDNESS", 90.0) == 2.0


def test_a_model_checked_on_one_skin_tone_only_is_unproven_on_the_others() -> None:
    one_tone = table({"4": {"ACNE": 0.2, "REDNESS": 0.3}}, faces_per_tone=8)
    engine = table({"4": {"ACNE": 1.0, "REDNESS": 0.5}}, faces_per_tone=8)
    decision = decide({**metrics(one_tone), "engine": engine}, None)
    assert not decision.passed and decision.uses == ("ACNE", "REDNESS")
    assert decision.unproven == (1, 2, 3, 5, 6, 7, 8, 9, 10)
    assert decision.reasons == (
        "held-out faces of one band of skin tones only: unproven on Monk 1-3, 5-10 (no held-out "
        "face); label faces of other skin tones before it scores everyone",
    )


def test_the_gate_gives_each_tone_s_error_worst_first_beside_the_median() -> None:
    errors = {"2": 0.3, "5": 0.5, "8": 0.9}
    candidate = table({t: {"ACNE": e} for t, e in errors.items()})
    engine = table({t: {"ACNE": 1.0} for t in errors})
    decision = decide({**metrics(candidate), "engine": engine}, None)
    assert decision.passed and decision.unproven == (1, 3, 4, 6, 7, 9, 10)
    said = decision.as_json()
    assert said["worst_tone"] == "8" and said["worst_tone_error"] == 0.9
    assert said["median_tone_error"] == 0.5
    assert list(said["per_tone"]) == ["8", "5", "2"]
    assert said["per_tone"]["8"] == {"faces": 4, "shown": 0.9, "now": 1.0}
    assert said["unproven_tones"] == [1, 3, 4, 6, 7, 9, 10]


def test_the_model_card_names_the_worst_tone_the_median_and_the_tones_nobody_checked() -> None:
    from metskin.domain.skinmodel.card import model_card

    candidate = table({"2": {"ACNE": 0.3}, "5": {"ACNE": 0.5}, "8": {"ACNE": 0.9}})
    engine = table({t: {"ACNE": 1.0} for t in ("2", "5", "8")})
    card = model_card("skin-cnn-v3", "h", "c", ["A clinic; CC BY 4.0"], {
        **metrics(candidate), "engine": engine, "held_out": "test"})  # fmt: skip
    assert "- A clinic; CC BY 4.0" in card
    assert (
        "Worst Monk tone group: 8, 0.900 (4 faces); median over the 3 groups judged: 0.500." in card
    )
    assert "Unproven on Monk 1, 3-4, 6-7, 9-10: no held-out face of these tones" in card


def test_a_live_model_leaves_faces_of_tones_nobody_checked_it_on_to_the_engine() -> None:
    """Checked on held-out faces of Monk 3 and 8: it scores faces measured at those tones; a
    face measured at Monk 6 or 10, or of no measured tone, is the engine's. A version written
    before tones were counted scores every face, as it did."""
    from datetime import UTC, datetime

    from metskin.domain.skinmodel.model import ModelState, SkinModelVersion

    checked = table({"3": {"ACNE": 0.4}, "8": {"ACNE": 0.5}})
    version = SkinModelVersion(
        1, ModelState.LIVE, "h", "c", "v1.pt", metrics(checked), "card", datetime.now(UTC)
    )
    assert [version.scores_tone(t) for t in (3, 8, 6, 10, None)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    version.metrics = {"candidate": {"faces": 8}}
    assert version.scores_tone(6)


def test_the_model_card_says_what_the_gate_said_and_when_nothing_checked_the_heat_map() -> None:
    """A card read on its own: "Beats the engine on ACNE" beside only two held-out faces,
    and a heat map "in 0 %" of no lesion at all, read as results."""
    from metskin.domain.skinmodel.card import model_card

    few = table({"3": {"ACNE": 0.3}, "8": {"ACNE": 0.3}}, faces_per_tone=1)
    engine = table({t: {"ACNE": 1.0} for t in ("3", "8")}, faces_per_tone=1)
    heat = {"patches": 0, "hit_rate": 0.0, "chance": 0.0}
    written = {"engine": engine, "held_out": "test", "heat_map": heat, "beats_engine_on": ["ACNE"]}
    card = model_card("skin-cnn-v3", "h", "c", ["A clinic"], {**metrics(few), **written})
    assert "Beats the engine (overall and on no Monk tone worse) on: ACNE." in card
    assert (
        "The promotion gate refused it when it was trained, so none of the figures above makes "
        "it fit to score anyone: only 2 held-out faces (at least 5 needed); Monk tone 3: only 1 "
        in card
    )
    assert "Lesion heat map: unchecked (no held-out patch has a labelled lesion)" in card

    candidate = table({"2": {"ACNE": 0.3}, "5": {"ACNE": 0.5}, "8": {"ACNE": 0.9}})
    engine = table({t: {"ACNE": 1.0} for t in ("2", "5", "8")})
    passed = model_card("skin-cnn-v4", "h", "c", ["A clinic"], {**metrics(candidate),
                        "engine": engine, "held_out": "test"})  # fmt: skip
    assert "The promotion gate passed it when it was trained" in passed
