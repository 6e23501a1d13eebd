"""The reason an analysis failed for withdrawn consent names what the person can do with the
photo now (delete it alone); analyses that failed with the older wording still read whole in
French and German."""

from __future__ import annotations

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.privacy.consent import CONSENT_WITHDRAWN, RETIRED
from metskin.graphql.analysis.types import failure_words


def test_the_reason_points_to_deleting_the_one_photo() -> None:
    assert "delete it from your history" in CONSENT_WITHDRAWN
    assert "with your account" not in CONSENT_WITHDRAWN


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr-FR", "effacez-la avec votre compte"), ("de-DE", "mit Ihrem Konto")],
)
def test_an_analysis_failed_with_the_old_reason_reads_whole(language: str, words: str) -> None:
    (old,) = RETIRED
    text = failure_words("CONSENT_WITHDRAWN", old, BabelTranslations().translator(language))
    assert text is not None and words in text.replace("\n", " ")
