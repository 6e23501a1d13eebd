"""Every email as the person reads it: rendered with the real templates and catalogs."""

from __future__ import annotations

import re
from typing import Any

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.notify.templates import JinjaMailRenderer
from metskin.domain.appointments.messages import AppointmentMessage, email_context
from metskin.domain.messages import OutgoingEmail
from tests.unit.appointments.test_appointment_messages import notice, options

PUBLIC = "https://care.example"
URL = re.compile(r"https?://[^\s\"'<>]+")
LOCALES = ("en-GB", "fr-FR", "de-DE")


def every_email(locale: str) -> dict[str, OutgoingEmail]:
    """Each template, rendered in `locale` for a person called Ana."""
    translations = BabelTranslations()
    renderer = JinjaMailRenderer(base_url=PUBLIC, translations=translations)
    tr = translations.translator(locale)
    contexts: dict[str, dict[str, Any]] = {
        kind.template: email_context(kind, notice(), tr=tr, **options(kind))
        for kind in AppointmentMessage
    }
    contexts["welcome"] = {"name": "Ana"}
    contexts["check_in_due"] = {"name": "Ana", "due_day": "Monday 30 March 2026", "weeks": 4}
    return {
        name: renderer.render_email(name, "ana@example.org", context, locale)
        for name, context in contexts.items()
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_every_link_stands_apart_from_the_sentence_before_it(locale: str) -> None:
    """A link glued to the full stop before it ("make-up.https://...") is one word to a mail
    client: it links the wrong text, or nothing, in the plain-text part."""
    for name, email in every_email(locale).items():
        for url in URL.findall(email.text):
            before = email.text[: email.text.index(url)]
            assert before == "" or before[-1].isspace(), (name, before[-40:])
        glued = re.search(r"[^\s>(]<a ", email.html)
        assert glued is None, (name, email.html[glued.start() - 40 : glued.end()])
