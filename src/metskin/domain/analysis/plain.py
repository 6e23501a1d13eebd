"""Results in plain language: a human name, a band with what it means and what helps, a
jargon-free sentence per concern and a summary of the whole result.

Everything here reads the stored result dictionary (`AnalysisResult.to_dict()`), so results
stored before these texts existed get them too (their band is computed from the score).
"""

from __future__ import annotations

from typing import Any

from metskin.domain.analysis.model import score_band
from metskin.domain.i18n.marks import _

NAMES = {
    "redness": _("Redness"),
    "pigmentation": _("Dark spots"),
    "acne": _("Spots and bumps (acne)"),
    "wrinkles": _("Lines and wrinkles"),
    "pores": _("Visible pores"),
    "dark_circles": _("Dark circles"),
    "shine": _("Shine (oily skin)"),
}
BAND_WORDS = {
    "none": _("None"),
    "mild": _("Mild"),
    "moderate": _("Moderate"),
    "marked": _("Marked"),
}
BAND_MEANING = {
    "none": _("Nothing worth noting was seen."),
    "mild": _("A little is visible; common and usually nothing to worry about."),
    "moderate": _("Clearly visible in the photo."),
    "marked": _("Strong and widespread in the photo."),
}
ADVICE = {
    "redness": _(
        "Use a gentle, fragrance-free cleanser and moisturiser, daily sunscreen, and "
        "avoid hot water and harsh scrubs. Redness that stays, burns or comes with "
        "bumps is worth showing to a dermatologist."
    ),
    "pigmentation": _(
        "Daily broad-spectrum sunscreen (SPF 30 or more) stops spots darkening; "
        "vitamin C, niacinamide or azelaic acid can fade them slowly. A spot that "
        "grows, changes or bleeds needs a dermatologist."
    ),
    "acne": _(
        "Wash twice a day with a gentle cleanser, do not squeeze, and try benzoyl peroxide "
        "or salicylic acid. If spots are painful, deep or leave marks, see a "
        "dermatologist."
    ),
    "wrinkles": _(
        "Daily sunscreen and a moisturiser help most; retinoids at night can soften "
        "fine lines over months."
    ),
    "pores": _(
        "Gentle exfoliation with salicylic acid and a non-comedogenic moisturiser can "
        "make pores less visible."
    ),
    "dark_circles": _(
        "Sleep, sunscreen and a moisturiser around the eyes help; colour often "
        "comes from genes or blood vessels and changes little."
    ),
    "shine": _(
        "A gentle foaming cleanser, a light oil-free moisturiser and blotting papers help; "
        "over-washing makes skin oilier."
    ),
}
LOCAL_SCORE = 35.0  # a region score from which a "none" concern is still named, in one place
LOCAL_MEANING = _("Little over the whole face, but clearly seen in one place.")
NO_ADVICE = _("Nothing to do beyond your usual care and daily sunscreen.")
REGION_WORDS = {
    "forehead": "forehead",
    "cheek_right": "right cheek",
    "cheek_left": "left cheek",
    "nose": "nose",
    "chin": "chin",
    "under_eye_right": "under the right eye",
    "under_eye_left": "under the left eye",
    "periorbital_right": "beside the right eye",
    "periorbital_left": "beside the left eye",
    "nasolabial_right": "right smile line",
    "nasolabial_left": "left smile line",
}


def name_of(code: str) -> str:
    return NAMES.get(code, code.replace("_", " ").capitalize())


def band_of(concern: dict[str, Any]) -> str:
    return str(concern.get("band") or score_band(float(concern.get("score", 0.0))))


def advice_of(code: str, band: str) -> str:
    return NO_ADVICE if band == "none" else ADVICE.get(code, NO_ADVICE)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _them(count: int) -> str:
    return "it" if count == 1 else "them"


def measured_spots(result: dict[str, Any]) -> int | None:
    """The spots the spots card lists (measured whole), or None when not looked for."""
    spots = result.get("spots")
    if spots is None:
        return None
    return sum(1 for s in spots if s.get("area_mm2") is not None and s.get("darkness") is not None)


def _worst(concern: dict[str, Any]) -> str:
    regions = {k: v for k, v in concern.get("regions", {}).items() if v >= 15}
    if not regions:
        return ""
    names = sorted(regions, key=lambda k: -regions[k])[:2]
    return ", mostly " + " and ".join(_at(n) for n in names)


def _at(region: str) -> str:
    words = REGION_WORDS.get(region, region.replace("_", " "))
    return words if words.startswith(("under", "beside")) else f"on the {words}"


def _share(fraction: float, of_what: str, when_none: str) -> str:
    """ "About 12% of ..." for a measured share of the skin, or the sentence for none."""
    share = round(100 * fraction)
    return f"About {share}% {of_what}" if share else when_none


def sentence(code: str, concern: dict[str, Any], result: dict[str, Any]) -> str:
    """What was seen, in words and counts a person can check in the mirror."""
    found = concern.get("measurements", {})
    where = _worst(concern)
    if code == "redness":
        return _share(
            found.get("red_area_fraction", 0.0),
            f"of your skin looks redder than your own usual skin colour{where}.",
            "Your skin colour looks even, without red patches.",
        )
    if code == "pigmentation":
        count = measured_spots(result)
        if count is None:
            count = int(found.get("measured_spot_count", found.get("spot_count", 0)))
        if not count:
            return "No spots darker than the skin around them were measured."
        return f"{_plural(count, 'spot')} darker than the skin around {_them(count)}{where}."
    if code == "acne":
        count = int(found.get("lesion_count", 0))
        return (
            f"{_plural(count, 'small red bump')} seen{where}."
            if count
            else "No red bumps were seen."
        )
    if code == "wrinkles":
        count = int(found.get("line_count", 0))
        return f"{_plural(count, 'line')} seen{where}." if count else "No clear lines were seen."
    if code == "pores":
        density = found.get("pores_per_patch", 0.0)
        amount = "few" if density < 0.3 else "some" if density < 1.0 else "many"
        return f"{amount.capitalize()} visible pores on the nose and cheeks."
    if code == "dark_circles":
        deltas = [v for k, v in found.items() if k.startswith("delta_l_star")]
        worst = max(deltas, default=0.0)
        amount = (
            "about as light as"
            if worst < 3
            else "a little darker than"
            if worst < 7
            else "clearly darker than"
        )
        return f"The skin under your eyes is {amount} your cheeks."
    if code == "shine":
        return _share(
            found.get("t_zone_specular_fraction", 0.0),
            "of your forehead, nose and chin shines.",
            "Little or no shine on your forehead, nose and chin.",
        )
    return str(concern.get("explanation", ""))


def localised(concern: dict[str, Any]) -> bool:
    """Little over the whole face but clear in one region (three bumps on one cheek)."""
    return (
        band_of(concern) == "none"
        and max(concern.get("regions", {}).values(), default=0.0) >= LOCAL_SCORE
    )


def concern_text(code: str, concern: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    band = band_of(concern)
    low_high = concern.get("score_range")
    local = localised(concern)
    return {
        "title": name_of(code),
        "band": band,
        "band_label": BAND_WORDS.get(band, band),
        "meaning": LOCAL_MEANING if local else BAND_MEANING.get(band, ""),
        "advice": ADVICE.get(code, NO_ADVICE) if local else advice_of(code, band),
        "text": sentence(code, concern, result),
        "score_range": list(low_high) if low_high else None,
    }


def summary(result: dict[str, Any]) -> str:
    """A few sentences on the whole result, or why it could not be given."""
    blocking = [i for i in result.get("quality", []) if i.get("blocking")]
    if not result.get("ok") or blocking:
        reasons = " ".join(f"{i['message']} {i['guidance']}" for i in blocking)
        return (
            "We could not measure your skin reliably from this photo, so no result is "
            f"shown. {reasons}"
        ).strip()
    concerns = result.get("concerns", {})
    seen = sorted(
        ((c.get("score", 0.0), code) for code, c in concerns.items() if band_of(c) != "none"),
        reverse=True,
    )
    parts = []
    tone = result.get("tone")
    if tone:
        parts.append(f"Your skin tone is {tone['monk']} on the 10-step Monk scale.")
    if seen:
        listed = "; ".join(
            f"{name_of(code).lower()}: {band_of(concerns[code])}" for _, code in seen[:3]
        )
        parts.append(f"Most visible in this photo: {listed}.")
    else:
        parts.append("Nothing stands out over the whole face.")
    local = [
        f"{name_of(code).lower()} {_at(region)}"
        for code, c in concerns.items()
        if localised(c)
        for region, value in c.get("regions", {}).items()
        if value >= LOCAL_SCORE
    ][:3]
    if local:
        parts.append(f"In places: {', '.join(local)}.")
    parts.append(
        "Scores come from one photo and move a little from photo to photo; "
        "each shows its likely range."
    )
    return " ".join(parts)
