"""The shared words of the recommendations component: concerns, skin types, slots, times."""

from __future__ import annotations

# The profile's words (what a user may say about their skin) are the recommender's too.
from metskin.domain.accounts.model import CONCERNS as CONCERNS
from metskin.domain.accounts.model import SKIN_TYPES as SKIN_TYPES
from metskin.domain.i18n.marks import _

# Slots in the order they go on the face (thin to thick, SPF last).
SLOTS = (
    "cleanser",
    "mask",
    "exfoliant",
    "toner",
    "serum",
    "eye_care",
    "spot_treatment",
    "moisturiser",
    "sunscreen",
)
AM, PM = "AM", "PM"
TIMES = (AM, PM)
WHEN_CHOICES = {"AM": (AM,), "PM": (PM,), "both": (AM, PM)}

EVIDENCE_WEIGHTS = {"strong": 1.0, "moderate": 0.6, "limited": 0.3}
IRRITATION_LEVELS = ("low", "medium", "high")

# The words above as the lines a person reads put them (each one a catalog entry).
SKIN_TYPE_WORDS = dict(
    zip(SKIN_TYPES, (_("oily"), _("dry"), _("combination"), _("normal")), strict=True)
)
_CONCERN_WORDS: tuple[str, ...] = (
    _("acne"),
    _("wrinkles"),
    _("pigmentation"),
    _("redness"),
    _("pores"),
)
_CONCERN_WORDS += (_("dark circles"), _("shine"), _("dryness"), _("sensitivity"))
CONCERN_WORDS = dict(zip(CONCERNS, _CONCERN_WORDS, strict=True))
EVIDENCE_WORDS = {"strong": _("strong"), "moderate": _("moderate"), "limited": _("limited")}
