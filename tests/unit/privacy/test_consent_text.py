"""The photo-consent text: one source in the domain, served in the person's language, and its
version tied to the English by a pinned digest."""

from __future__ import annotations

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.privacy import consent_text
from metskin.domain.privacy.consent_text import english_digest, photo_consent_text
from metskin.domain.privacy.model import PHOTO_CONSENT_VERSION

# The English text each version was given to. Consents given to "2026-12-06" (before the text
# moved here from the web app, word for word) still count.
PINNED = ("2026-12-06", "495f5bf39c57f4ad018c56df94d784c93f67c1a6e1f73c05836f9fb74b4967e1")


def test_the_english_text_changes_only_with_a_new_version() -> None:
    """A change of the English is a new text people have not agreed to: bump
    PHOTO_CONSENT_VERSION (everyone is asked again) and pin the new digest here. A new or
    corrected translation changes neither (only the English is hashed)."""
    assert (PHOTO_CONSENT_VERSION, english_digest()) == PINNED, (
        "The English photo-consent text changed: bump PHOTO_CONSENT_VERSION in "
        "domain/privacy/model.py and pin the new digest in this test."
    )


def test_the_text_speaks_the_asked_language_and_keeps_its_version() -> None:
    translations = BabelTranslations()
    english = photo_consent_text(translations.translator("en-GB"))
    french = photo_consent_text(translations.translator("fr-FR"))
    german = photo_consent_text(translations.translator("de-DE"))
    assert english.version == french.version == german.version == PHOTO_CONSENT_VERSION
    assert english.agreement == consent_text.AGREEMENT
    assert english.title == "Your consent to photo analysis"
    for text in (french, german):
        assert text.agreement != english.agreement and text.title != english.title
        assert len(text.sections) == len(english.sections) == 4
        # Every sentence translated: none of the English is left.
        english_words = {s.body for s in english.sections} | {english.note, english.withdrawing}
        assert english_words.isdisjoint({s.body for s in text.sections} | {text.note})
    assert french.locale == "fr-FR" and french.withdrawing in french.sections[-1].body
    markdown = french.markdown
    assert markdown.startswith(f"# {french.title}\n\n**{french.agreement}**")
    assert all(f"## {s.heading}\n\n{s.body}" in markdown for s in french.sections)
