"""What the analysis measured (SkinNeeds), what the person told us (CareProfile), and which
treatment slots a measured need calls for (TREATMENT_NEEDS)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.money.model import Conversion, Money, RatesTable, seed_table
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES

if TYPE_CHECKING:
    from metskin.domain.recommendations.catalog import Product

FITZPATRICK_TYPES = ("I", "II", "III", "IV", "V", "VI")
PIH_MONK_FROM = 6  # Monk tone from which dark marks after inflammation are a main risk
PIH_FITZPATRICK_FROM = 4  # type IV and deeper
ADULT_AGE = 18


@dataclass(frozen=True)
class SkinNeeds:
    concerns: Mapping[str, float]  # concern -> severity 0-100
    skin_type: str
    monk_tone: int | None = None  # 1 (lightest) to 10 (deepest)
    fitzpatrick_band: str | None = None  # "IV" or a band such as "III-IV"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.concerns) - set(CONCERNS))
        if unknown:
            unknown_ones = _("Unknown concerns: {unknown}.")
            raise ValidationFailed.translatable(
                unknown_ones, "concerns", unknown=", ".join(unknown)
            )
        if any(not 0 <= value <= 100 for value in self.concerns.values()):
            raise ValidationFailed(_("Concern severities must be 0-100."), field="concerns")
        if self.skin_type not in SKIN_TYPES:
            types = _("Skin type must be one of: {types}.")
            raise ValidationFailed.translatable(types, "skinType", types=", ".join(SKIN_TYPES))
        if self.monk_tone is not None and not 1 <= self.monk_tone <= 10:
            raise ValidationFailed(_("Monk tone must be 1-10."), field="monkTone")
        if self.fitzpatrick_band is not None:
            _fitzpatrick_types(self.fitzpatrick_band)

    def severity(self, concern: str) -> float:
        return float(self.concerns.get(concern, 0.0))

    @cached_property
    def pih_risk(self) -> bool:
        """Deeper tones more often keep dark marks after spots or irritation."""
        if self.monk_tone is not None and self.monk_tone >= PIH_MONK_FROM:
            return True
        band = self.fitzpatrick_band
        return band is not None and max(_fitzpatrick_types(band)) >= PIH_FITZPATRICK_FROM

    def conditions(self) -> set[str]:
        """The condition names safety rules apply to that the analysis measured."""
        return {"pih_risk"} if self.pih_risk else set()


def _fitzpatrick_types(band: str) -> list[int]:
    parts = band.upper().replace("\u2013", "-").split("-")
    if not all(part.strip() in FITZPATRICK_TYPES for part in parts):
        raise ValidationFailed(
            _("Fitzpatrick band must be types I-VI, such as 'IV' or 'III-IV'."),
            field="fitzpatrickBand",
        )
    return [FITZPATRICK_TYPES.index(part.strip()) + 1 for part in parts]


@dataclass(frozen=True)
class CareProfile:
    age: int | None = None
    birth_year: int | None = None
    current_year: int | None = None  # with birth_year, gives the age
    pregnant: bool = False
    breastfeeding: bool = False
    sensitive_skin: bool = False
    allergies: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()  # ingredients the person would rather not use
    # Prescription-only actives a doctor prescribed to this person ("tretinoin"): only these
    # may go into a routine (`safety.prescribed`); the others stay out, whatever the age.
    prescribed: tuple[str, ...] = ()
    # Product ids the person said irritated them, or rated low (`feedback.turned_down`).
    turned_down: tuple[str, ...] = ()
    budget_total: Decimal | None = None
    budget_per_product: Decimal | None = None
    currency: str = "EUR"  # the budgets' currency, and the one prices are shown in
    rates: RatesTable = field(default_factory=seed_table, repr=False)

    def __post_init__(self) -> None:
        for name in ("budget_total", "budget_per_product"):
            value = getattr(self, name)
            if value is None:
                continue
            amount = Decimal(str(value))
            if amount < 0:
                raise ValidationFailed(_("Budgets cannot be negative."), field=name)
            object.__setattr__(self, name, amount)
        object.__setattr__(self, "allergies", tuple(self.allergies))
        object.__setattr__(self, "avoid", tuple(self.avoid))
        object.__setattr__(self, "prescribed", tuple(self.prescribed))
        object.__setattr__(self, "turned_down", tuple(sorted(set(self.turned_down))))

    def converts(self, currency: str) -> bool:
        """Whether a price in `currency` converts to this person's (a rate is known for it)."""
        return currency == self.currency or currency in self.rates.currencies

    def price_of(self, product: Product) -> Conversion:
        """The product's price in this person's currency, with the rate and date used."""
        return self.rates.convert(product.price, self.currency)

    def budget(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    @property
    def years(self) -> int | None:
        if self.age is not None:
            return self.age
        if self.birth_year is not None and self.current_year is not None:
            return self.current_year - self.birth_year
        return None

    def conditions(self) -> set[str]:
        """The condition names safety rules apply to."""
        found = set()
        if self.pregnant:
            found.add("pregnant")
        if self.breastfeeding:
            found.add("breastfeeding")
        if self.sensitive_skin:
            found.add("sensitive")
        if self.years is not None and self.years < ADULT_AGE:
            found.add("under_18")
        return found


@dataclass(frozen=True)
class TreatmentNeed:
    """A treatment slot is added when one of its concerns is at least this severe."""

    slot: str
    concerns: tuple[str, ...]
    min_severity: float
    sensitive_min_severity: float | None = None  # stricter for sensitive skin


TREATMENT_NEEDS = (
    TreatmentNeed(
        "serum",
        ("acne", "wrinkles", "pigmentation", "redness", "pores", "shine", "dryness"),
        25,
    ),
    TreatmentNeed("spot_treatment", ("acne",), 40, 60),
    TreatmentNeed("exfoliant", ("acne", "pores", "shine", "pigmentation", "wrinkles"), 45, 75),
    TreatmentNeed("toner", ("shine", "pores", "redness", "dryness"), 40),
    TreatmentNeed("eye_care", ("dark_circles",), 30),
    TreatmentNeed("mask", ("shine", "dryness", "pores"), 60),
)
