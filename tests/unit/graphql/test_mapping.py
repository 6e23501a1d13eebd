"""copy_fields and input_like: GraphQL types built from domain objects field by field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import strawberry

from metskin.domain.errors import ValidationFailed
from metskin.domain.referrals.model import Answers
from metskin.graphql.mapping import copy_fields
from metskin.graphql.referrals.types import SymptomAnswers


@strawberry.type
class Card:
    id: strawberry.ID
    title: str
    score: float
    note: str = "none"


@dataclass
class Source:
    id: str
    title: str
    score: float
    other: int = 0


def test_fields_come_from_the_first_source_that_has_them_and_keywords_win() -> None:
    card = copy_fields(
        Card, Source("a", "first", 1.0), {"title": "second", "note": "kept"}, score=2.5
    )
    assert (card.id, card.title, card.score, card.note) == ("a", "first", 2.5, "kept")


def test_a_keyword_that_is_no_field_is_an_error() -> None:
    with pytest.raises(TypeError, match="no field socre"):
        copy_fields(Card, Source("a", "t", 1.0), socre=2.0)


def test_a_required_field_that_no_source_has_fails_at_construction() -> None:
    with pytest.raises(TypeError):
        copy_fields(Card, {"id": "a", "title": "t"})


def test_the_questionnaire_input_mirrors_the_domain_answers_and_validates() -> None:
    answers = SymptomAnswers(spot_growing=True, distress_low_mood=2)  # type: ignore[call-arg]
    assert answers.to_domain() == Answers(spot_growing=True, distress_low_mood=2)
    with pytest.raises(ValidationFailed):
        SymptomAnswers(distress_low_mood=7).to_domain()  # type: ignore[call-arg]
