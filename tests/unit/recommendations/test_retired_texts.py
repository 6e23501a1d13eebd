"""A routine saved with a text a later version reworded or dropped still reads in French and
German: the retired texts stay in the catalogs (`retired.py`)."""

from __future__ import annotations

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.accounts.model import Role
from metskin.domain.i18n.said import Said, said_json
from metskin.domain.recommendations.retired import RETIRED
from metskin.domain.recommendations.service import RecommendationService
from metskin.graphql.recommendations.types import Recommendation

VALUES = {
    "product": "Testlab Retinol Serum",
    "other": "Testlab Bha Liquid",
    "ingredient": "Retinol",
    "ingredients": "Retinol",
    "frequency": "once a day",
}


def _said(template: str) -> Said:
    return Said(template, **{k: v for k, v in VALUES.items() if "{" + k + "}" in template})


@pytest.mark.parametrize("language", ["fr-FR", "de-DE"])
@pytest.mark.parametrize("template", RETIRED)
def test_a_retired_text_is_still_in_the_catalog(template: str, language: str) -> None:
    translator = BabelTranslations().translator(language)
    assert translator.gettext(template) != template


def test_a_routine_saved_with_a_retired_text_reads_in_french(
    service: RecommendationService,
) -> None:
    """The routine as saved before the texts changed: its warning and a step's note."""
    saved = service.recommend("p1", Role.PATIENT, "a1")
    warning, note = _said(RETIRED[4]), _said(RETIRED[5])
    routine = saved.routine
    routine["warnings"] = [warning]
    routine["said"] = {"warnings": [said_json(warning)]}
    step = routine["am"][0]
    step["why"] = [note]
    step["said"] = {"why": [said_json(note)]}
    french = Recommendation.from_saved(saved, BabelTranslations().translator("fr-FR"))
    assert french.warnings == [
        "Retinol rendent votre peau plus sensible au soleil : appliquez la protection solaire "
        "chaque matin, même par temps nuageux, et renouvelez-la à l'extérieur."
    ]
    assert french.am[0].why == [
        "Testlab Retinol Serum s'utilise une fois par jour (once a day) ; il figure donc "
        "uniquement dans votre routine du matin."
    ]
