"""A trend chart per concern, as SVG text: the whole-face value over time, the noise band
around the first value (inside it: no change), and hollow points where the photo was not
comparable with the first one, under a caption in the reader's language."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from metskin.domain.analysis.plain import name_of
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.progress.comparability import THRESHOLD

# Drawn at about its own size on a phone (375 px wide, less the page's margins), so its words
# read at 13-16 px there: at 480 px wide with 10-14 px text it was shown at 0.6 of its size,
# its words 6-8 px high.
WIDTH, HEIGHT, MARGIN, TOP = 340, 210, 36, 52
TITLE_SIZE, TEXT_SIZE = 16, 13


def _y_range(concern: str, values: Sequence[float], band: float) -> tuple[float, float]:
    if concern != "tone":
        return 0.0, 100.0  # every concern score is 0..100
    low, high = min(values) - band, max(values) + band  # ITA, degrees
    return low - 2.0, high + 2.0


BAND_NOTE = _("Shaded band: no change")


def heading(concern: str, tr: Translator = ENGLISH) -> tuple[str, str]:
    """The chart's two lines: what ("Redness"), then in what ("score out of 100, over time");
    one line of `caption` does not fit a phone's width in French or German."""
    if concern == "tone":
        return tr.gettext(_("Skin tone")), tr.gettext(_("ITA degrees, over time"))
    return tr.gettext(name_of(concern)), tr.gettext(_("Score out of 100, over time"))


def caption(concern: str, tr: Translator = ENGLISH) -> str:
    """What the chart shows, in words: "Redness over time (score out of 100)"."""
    if concern == "tone":
        return tr.gettext(_("Skin tone over time (ITA degrees)"))
    return tr.gettext(_("{concern} over time (score out of 100)")).format(
        concern=tr.gettext(name_of(concern))
    )


def trend_svg(
    concern: str,
    points: Sequence[tuple[datetime, float, float]],
    band: float,
    tr: Translator = ENGLISH,
) -> str:
    """`points`: (time, value, comparability with the first), oldest first."""
    if not points:
        raise ValueError("a chart needs at least one point")
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    low, high = _y_range(concern, [value for _, value, _ in points], band)

    def x(at: datetime) -> float:
        inner = (at - start).total_seconds() / span if len(points) > 1 else 0.5
        return MARGIN + inner * (WIDTH - 2 * MARGIN)

    def y(value: float) -> float:
        share = (value - low) / max(high - low, 1e-9)
        return HEIGHT - MARGIN - min(max(share, 0.0), 1.0) * (HEIGHT - MARGIN - TOP)

    first = points[0][1]
    top, bottom = y(first + band), y(first - band)
    line = " ".join(f"{x(at):.1f},{y(value):.1f}" for at, value, _ in points)
    dots = "".join(
        f'<circle cx="{x(at):.1f}" cy="{y(value):.1f}" r="4" '
        f'fill="{"#b03a2e" if score >= THRESHOLD else "white"}" stroke="#b03a2e"/>'
        for at, value, score in points
    )
    title, note = html.escape(caption(concern, tr)), html.escape(tr.gettext(BAND_NOTE))
    name, unit = (html.escape(line) for line in heading(concern, tr))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}; {note}">'
        f'<rect x="{MARGIN}" y="{top:.1f}" width="{WIDTH - 2 * MARGIN}" '
        f'height="{max(bottom - top, 0.5):.1f}" fill="#e8eef5"/>'
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
        f'y2="{HEIGHT - MARGIN}" stroke="#888"/>'
        f'<polyline points="{line}" fill="none" stroke="#b03a2e" stroke-width="2"/>{dots}'
        f'<text x="4" y="20" font-size="{TITLE_SIZE}" font-weight="bold">{name}</text>'
        f'<text x="4" y="38" font-size="{TEXT_SIZE}">{unit}</text>'
        f'<text x="{MARGIN}" y="{HEIGHT - 12}" font-size="{TEXT_SIZE}">{note}</text>'
        f'<text x="4" y="{y(high) + 4:.1f}" font-size="{TEXT_SIZE}">{high:.0f}</text>'
        f'<text x="4" y="{y(low) + 4:.1f}" font-size="{TEXT_SIZE}">{low:.0f}</text>'
        "</svg>"
    )
