"""Dermatologists seeded before their bios were translated get the packaged translations when
the seed runs again; a translation an editor saved is never replaced (`metskin seed`)."""

from __future__ import annotations

from dataclasses import replace

from metskin.bootstrap import Container
from metskin.cli.seed import DEMO_PASSWORD, seed_dermatologists
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist

EDITED = "Texte écrit par l'éditrice."


def stored(container: Container, email: str) -> Dermatologist:
    with container.new_uow() as uow:
        user = uow.users.get_by_email(email)
    assert user is not None
    return container.directory.get_many([user.id])[0]


def test_reseeding_fills_empty_translations_and_keeps_an_editor_s(container: Container) -> None:
    list(seed_dermatologists(container, DEMO_PASSWORD))
    untranslated, edited = (stored(container, d.email) for d in load_dermatologists()[1:3])
    # As a database seeded before the translations were packaged, and an editor's French.
    container.directory.publish(replace(untranslated, bio_translations={}))
    container.directory.publish(replace(edited, bio_translations={"fr": EDITED, "de": ""}))
    assert not stored(container, untranslated.email).bio_translations

    for _ in range(2):  # the same after a second run
        list(seed_dermatologists(container, DEMO_PASSWORD))
        packaged = {d.email: d for d in load_dermatologists()}
        filled = stored(container, untranslated.email)
        assert filled.bio_translations == packaged[untranslated.email].bio_translations
        kept = stored(container, edited.email).bio_translations
        assert kept["fr"] == EDITED
        assert kept["de"] == packaged[edited.email].bio_translations["de"]  # was empty
