"""The prescribed actives a person lists in their profile, checked against the actives the
catalog sells only on prescription (at any strength, or above one: `Ingredient.prescription_only`,
`prescription_above`).

A term is known when it would lift a product's prescription rule (`safety.prescribed`: one of
an ingredient's names, compared as allergies are). Any other term is refused rather than kept:
"tretinion" saved would lift nothing while the person believes their prescription is recorded.
The refusal names the closest known name and lists the known actives.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence

from metskin.domain.i18n.marks import _
from metskin.domain.recommendations.catalog import Ingredient
from metskin.domain.recommendations.errors import UnknownPrescription
from metskin.domain.recommendations.safety import label_words, term_forms

FIELD = "prescribed"
CLOSE_ENOUGH = 0.8  # difflib ratio: "tretinion" and "adapelene" are 0.89 from the right name
DID_YOU_MEAN = _(
    '"{term}" is not one of the prescription-only actives in our products. Did you mean '
    '"{suggestion}"? The ones we know: {known}.'
)
OVER_THE_COUNTER = _(
    "{name} is sold without a prescription: your routine may include it without being listed "
    "here. Only prescription-only actives go here; the ones we know: {known}."
)
NOT_KNOWN = _(
    '"{term}" is not one of the prescription-only actives in our products ({known}). Only '
    "these change your routine, so other prescriptions need not be listed here."
)


def prescription_actives(ingredients: Iterable[Ingredient]) -> tuple[Ingredient, ...]:
    """The ingredients sold only on prescription at some strength, by INCI name."""
    found = (i for i in ingredients if i.prescription_only or i.prescription_above is not None)
    return tuple(sorted(found, key=lambda i: i.inci_name))


def check_prescribed(terms: Sequence[str], ingredients: Collection[Ingredient]) -> None:
    """Refuses (`UnknownPrescription`, field `prescribed`) the first of `terms` that names no
    prescription-only active of `ingredients`: saying so when it names one sold without a
    prescription, else suggesting the closest name when one is close. A catalog that knows
    none (not seeded yet) checks nothing: it could only refuse every name."""
    actives = prescription_actives(ingredients)
    if not actives:
        return
    names = _by_words(actives)
    known = ", ".join(active.inci_name for active in actives)
    for term in terms:
        forms = term_forms(term)
        if any(form in names for form in forms):
            continue
        others = _by_words(i for i in ingredients if i not in actives)
        sold_freely = next((others[form] for form in forms if form in others), None)
        if sold_freely is not None:
            raise UnknownPrescription.translatable(
                OVER_THE_COUNTER, FIELD, name=sold_freely.inci_name, known=known
            )
        close = difflib.get_close_matches(label_words(term), names, n=1, cutoff=CLOSE_ENOUGH)
        if close:
            raise UnknownPrescription.translatable(
                DID_YOU_MEAN, FIELD, term=term, suggestion=close[0], known=known
            )
        raise UnknownPrescription.translatable(NOT_KNOWN, FIELD, term=term, known=known)


def _by_words(ingredients: Iterable[Ingredient]) -> dict[str, Ingredient]:
    """Each name of `ingredients` (INCI and common) as terms are compared with it."""
    return {label_words(name): i for i in ingredients for name in i.names}
