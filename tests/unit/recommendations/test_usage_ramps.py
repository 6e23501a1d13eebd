"""A product's "how to start" never leads past its label's own frequency: a 30% peel "once a
week at most" was told "then 2-3 times a week", a mask for "1-2 evenings a week" to "move to
daily use", an evening-only wash to "move to twice a day"."""

from __future__ import annotations

from metskin.domain.recommendations.loader import load_catalog

# The most uses a week each of the packaged catalog's frequencies allows (None: no limit), its
# en dashes written as hyphens.
MOST_A_WEEK: dict[str, float | None] = {
    "1-2 evenings a week": 2,
    "1-2 times a week": 2,
    "2-3 evenings a week": 3,
    "2-3 times a week": 3,
    "As needed": None,
    "Evenings, on spots": 7,
    "Every evening": 7,
    "Every morning": 7,
    "Every other evening, building to nightly if tolerated": 7,
    "Every other night for two weeks, then nightly": 7,
    "Every third night for two weeks, then every other night, then nightly": 7,
    "Morning and evening": 14,
    "Nightly for up to 3 months, then a break": 7,
    "Nightly for up to 8 weeks": 7,
    "Once a day": 7,
    "Once a day, building from every other day": 7,
    "Once a day, morning or evening": 7,
    "Once a week at most": 1,
    "Once or twice a day": 14,
    "Once or twice a day on spots": 14,
}
# The uses a week each introduction ends at (None: it sets no frequency).
ENDS_AT: dict[str, float | None] = {
    "Patch test first: essential oils are a common cause of allergic reactions.": None,
    "Start every other day; PHAs are gentle and suit most skin.": 3.5,
    "Start every other day; move to daily use after two weeks if your skin is not dry or red.": 7,
    "Start every other evening (or as a short-contact wash for 1-2 minutes); move to every "
    "evening after two weeks if dryness is mild.": 7,
    "Start every other morning for a week; mild tingling is common at first.": 7,
    "Start once a day on spots only; it can dry the skin.": 7,
    "Start once a day (or as a short-contact wash for 1-2 minutes); move to twice a day "
    "after two weeks if dryness is mild.": 14,
    "Start once a day; tingling in the first weeks is common. Go to twice a day after two "
    "weeks.": 14,
    "Start once a week, then 2-3 times a week after two weeks if there is no stinging or "
    "redness.": 3,
    "Start once a week; go to twice a week after two weeks if your skin is not dry or red.": 2,
    "Start two nights a week for two weeks, then every other night for two weeks, then "
    "nightly if your skin is calm. Some dryness and flaking in the first 2-6 weeks is "
    "normal.": 7,
    "Start with 5 minutes on the skin, once a week at most; go up to 10 minutes after a few "
    "weeks if there is no stinging or redness.": 1,
    "Use only on dark patches, under a doctor's guidance, for up to 3 months before a break.": None,
}


def plain(text: str) -> str:
    return text.replace("\u2013", "-")


def test_no_introduction_goes_past_the_label_s_frequency() -> None:
    too_often = []
    for product in load_catalog().products:
        frequency, start = (
            plain(t) for t in (product.usage.frequency, product.usage.how_to_introduce)
        )
        if not start:
            continue
        assert frequency in MOST_A_WEEK, f"classify {frequency!r} above"
        assert start in ENDS_AT, f"classify {start!r} above"
        most, ends = MOST_A_WEEK[frequency], ENDS_AT[start]
        if most is not None and ends is not None and ends > most:
            too_often.append((product.id, frequency, start))
    assert too_often == []
