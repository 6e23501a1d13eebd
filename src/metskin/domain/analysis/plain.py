"""Results in plain language: a human name, a band with what it means and what helps, a
jargon-free sentence per concern and a summary of the whole result.

Everything here reads the stored result dictionary (`AnalysisResult.to_dict()`), so results
stored before these texts existed get them too (their band is computed from the score).
"""

from __future__ import annotations

from typing import Any

from metskin.domain.analysis.guidance import issue_words, retake_needed
from metskin.domain.analysis.model import score_band
from metskin.domain.i18n.locales import language_of
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH

NAMES = {
    "redness": _("Redness"),
    "pigmentation": _("Dark spots"),
    "acne": _("Spots and bumps (acne)"),
    "wrinkles": _("Lines and wrinkles"),
    "pores": _("Visible pores"),
    "dark_circles": _("Dark circles"),
    "shine": _("Shine (oily skin)"),
}
# A concern with its band inside the summary's list, which follows a colon ("Most visible in
# this photo: {listed}."): no language may put a colon in it (German said "Augenringe: leicht"
# there, two colons in one sentence); `tests/unit/i18n/test_result_words.py` checks.
BAND_AND_NAME = _("{band} {concern}")
# One more item of that list: French sets a space before the semicolon.
LISTED_AND_ONE_MORE = _("{listed}; {item}")
# A band said on its own beside a concern's name ("Redness: Mild"), in every language in a form
# that agrees with any concern (fr "Niveau léger", de "Leicht"): an adjective alone took the
# gender of no noun ("Rougeurs : Léger"). Inside a sentence it is lower case (`_band_in`).
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
# Where a concern was seen, as a phrase of a sentence ("3 lines seen, mostly on the forehead").
REGION_AT = {
    "forehead": _("on the forehead"),
    "cheek_right": _("on the right cheek"),
    "cheek_left": _("on the left cheek"),
    "nose": _("on the nose"),
    "chin": _("on the chin"),
    "under_eye_right": _("under the right eye"),
    "under_eye_left": _("under the left eye"),
    "periorbital_right": _("beside the right eye"),
    "periorbital_left": _("beside the left eye"),
    "nasolabial_right": _("on the right smile line"),
    "nasolabial_left": _("on the left smile line"),
}
# Acne and dark spots are counted in a region's zone (`scoring.zones`: the region and the skin
# next to it, e.g. the jaw beside a cheek): their places are said as such.
ZONED = ("acne", "pigmentation")
ZONE_AT = {
    "forehead": _("on the forehead or temples"),
    "cheek_right": _("on the right cheek or jaw"),
    "cheek_left": _("on the left cheek or jaw"),
    "chin": _("on the chin or around the mouth"),
    "under_eye_right": _("under or beside the right eye"),
    "under_eye_left": _("under or beside the left eye"),
}
PORES = {
    "few": _("Few visible pores on the nose and cheeks."),
    "some": _("Some visible pores on the nose and cheeks."),
    "many": _("Many visible pores on the nose and cheeks."),
}
UNDER_EYES = (
    _("The skin under your eyes is about as light as your cheeks."),
    _("The skin under your eyes is a little darker than your cheeks."),
    _("The skin under your eyes is clearly darker than your cheeks."),
)


def name_of(code: str) -> str:
    return NAMES.get(code, code.replace("_", " ").capitalize())


def band_of(concern: dict[str, Any]) -> str:
    return str(concern.get("band") or score_band(float(concern.get("score", 0.0))))


def advice_of(code: str, band: str) -> str:
    return NO_ADVICE if band == "none" else ADVICE.get(code, NO_ADVICE)


def measured_spots(result: dict[str, Any]) -> int | None:
    """The spots the spots card lists (measured whole), or None when not looked for."""
    spots = result.get("spots")
    if spots is None:
        return None
    return sum(1 for s in spots if s.get("area_mm2") is not None and s.get("darkness") is not None)


def _worst(code: str, concern: dict[str, Any], tr: Translator) -> str:
    regions = _above(concern.get("regions", {}), 15.0)
    if not regions:
        return ""
    places = _places(regions, tr, code)
    return tr.gettext(", mostly {places}").format(places=places)


def _above(regions: dict[str, float], floor: float) -> list[str]:
    """The regions scoring `floor` or more, highest first."""
    return sorted((r for r, v in regions.items() if v >= floor), key=lambda r: -regions[r])


def _places(regions: list[str], tr: Translator, code: str) -> str:
    """The first two regions as a phrase: "on the right smile line and on the left smile
    line" (a concern named once, not once per region)."""
    names = [_at(region, tr, code) for region in regions[:2]]
    if len(names) == 1:
        return names[0]
    return tr.gettext("{first} and {second}").format(first=names[0], second=names[1])


def _at(region: str, tr: Translator, code: str = "") -> str:
    phrase = (code in ZONED and ZONE_AT.get(region)) or REGION_AT.get(region)
    return tr.gettext(phrase) if phrase else f"on the {region.replace('_', ' ')}"


def _lower(text: str, tr: Translator) -> str:
    """A name inside a sentence: lower case, except in German (nouns keep their capital)."""
    return text if language_of(tr.locale) == "de" else text.lower()


def _band_in(band: str, tr: Translator) -> str:
    """A band (not none) inside a sentence: lower case in every language, German too (its
    band words are adjectives: "Linien und Falten (mäßig)")."""
    return tr.gettext(BAND_WORDS[band]).lower()


def _filled(text: str, count: int, where: str) -> str:
    return text.format(count=count, where=where)


def sentence(
    code: str, concern: dict[str, Any], result: dict[str, Any], tr: Translator = ENGLISH
) -> str:
    """What was seen, in words and counts a person can check in the mirror."""
    found = concern.get("measurements", {})
    where = _worst(code, concern, tr)
    if code == "redness":
        share = round(100 * found.get("red_area_fraction", 0.0))
        if not share:
            return tr.gettext("Your skin colour looks even, without red patches.")
        text = _("About {share}% of your skin looks redder than your own usual skin colour{where}.")
        return tr.gettext(text).format(share=share, where=where)
    if code == "pigmentation":
        count = measured_spots(result)
        if count is None:
            count = int(found.get("measured_spot_count", found.get("spot_count", 0)))
        if not count:
            return tr.gettext("No spots darker than the skin around them were measured.")
        text = tr.ngettext(
            "{count} spot darker than the skin around it{where}.",
            "{count} spots darker than the skin around them{where}.",
            count,
        )
        return _filled(text, count, where)
    if code == "acne":
        count = int(found.get("lesion_count", 0))
        if not count:
            return tr.gettext("No red bumps were seen.")
        text = tr.ngettext(
            "{count} small red bump seen{where}.", "{count} small red bumps seen{where}.", count
        )
        return _filled(text, count, where)
    if code == "wrinkles":
        count = int(found.get("line_count", 0))
        if not count:
            return tr.gettext("No clear lines were seen.")
        text = tr.ngettext("{count} line seen{where}.", "{count} lines seen{where}.", count)
        return _filled(text, count, where)
    if code == "pores":
        density = found.get("pores_per_patch", 0.0)
        return tr.gettext(PORES["few" if density < 0.3 else "some" if density < 1.0 else "many"])
    if code == "dark_circles":
        # the contrast that scores (weber, texture-relative); results stored before it: ΔL*
        key = "contrast_" if any(k.startswith("contrast_") for k in found) else "delta_l_star"
        deltas = [v for k, v in found.items() if k.startswith(key)]
        worst = max(deltas, default=0.0)
        return tr.gettext(UNDER_EYES[0 if worst < 3 else 1 if worst < 7 else 2])
    if code == "shine":
        share = round(100 * found.get("t_zone_specular_fraction", 0.0))
        if not share:
            return tr.gettext("Little or no shine on your forehead, nose and chin.")
        return tr.gettext("About {share}% of your forehead, nose and chin shines.").format(
            share=share
        )
    return str(concern.get("explanation", ""))


def localised(concern: dict[str, Any]) -> bool:
    """Little over the whole face but clear in one region (three bumps on one cheek)."""
    return (
        band_of(concern) == "none"
        and max(concern.get("regions", {}).values(), default=0.0) >= LOCAL_SCORE
    )


def concern_text(
    code: str, concern: dict[str, Any], result: dict[str, Any], tr: Translator = ENGLISH
) -> dict[str, Any]:
    """The concern in words, in `tr`'s language."""
    band = band_of(concern)
    low_high = concern.get("score_range")
    local = localised(concern)
    meaning = LOCAL_MEANING if local else BAND_MEANING.get(band, "")
    return {
        "title": tr.gettext(name_of(code)),
        "band": band,
        "band_label": tr.gettext(BAND_WORDS.get(band, band)),
        "meaning": tr.gettext(meaning) if meaning else "",
        "advice": tr.gettext(ADVICE.get(code, NO_ADVICE) if local else advice_of(code, band)),
        "text": sentence(code, concern, result, tr),
        "score_range": list(low_high) if low_high else None,
    }


def summary(result: dict[str, Any], tr: Translator = ENGLISH) -> str:
    """A few sentences on the whole result, or why it could not be given."""
    if retake_needed(result):
        blocking = [i for i in result.get("quality", []) if i.get("blocking")]
        reasons = " ".join(" ".join(issue_words(i, tr)) for i in blocking)
        unmeasured = _(
            "We could not measure your skin reliably from this photo, so no result is shown."
        )
        return f"{tr.gettext(unmeasured)} {reasons}".strip()
    concerns = result.get("concerns", {})
    seen = sorted(
        ((c.get("score", 0.0), code) for code, c in concerns.items() if band_of(c) != "none"),
        reverse=True,
    )
    parts = []
    tone = result.get("tone")
    if tone:
        monk = tr.gettext("Your skin tone is {monk} on the 10-step Monk scale.")
        parts.append(monk.format(monk=tone["monk"]))
    if seen:
        # "mild shine (oily skin)", not "shine (oily skin) (mild)": each language orders them
        items = [
            tr.gettext(BAND_AND_NAME).format(
                band=_band_in(band_of(concerns[code]), tr), concern=_named(code, tr)
            )
            for _score, code in seen[:3]
        ]
        listed = items[0]
        for item in items[1:]:
            listed = tr.gettext(LISTED_AND_ONE_MORE).format(listed=listed, item=item)
        parts.append(tr.gettext("Most visible in this photo: {listed}.").format(listed=listed))
    else:
        parts.append(tr.gettext("Nothing stands out over the whole face."))
    local = [
        f"{_named(code, tr)} {_places(places, tr, code)}"
        for code, c in concerns.items()
        if localised(c)
        if (places := _above(c.get("regions", {}), LOCAL_SCORE))
    ][:3]
    if local:
        parts.append(tr.gettext("In places: {places}.").format(places=", ".join(local)))
    parts.append(
        tr.gettext(
            "Scores come from one photo and move a little from photo to photo; "
            "each shows its likely range."
        )
    )
    return " ".join(parts)


def _named(code: str, tr: Translator) -> str:
    return _lower(tr.gettext(name_of(code)), tr)
