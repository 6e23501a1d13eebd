"""The text a person agrees to when they consent to the analysis of their photos: the one
source the web app (the sign-up box, the upload page, the profile, `#/consent`) and any other
client show, served by the API in the person's language (`photoConsentText`).

The English below is the text of `PHOTO_CONSENT_VERSION`; the catalogs translate it. A change
of the English is a new text: bump the version with it, and everyone is asked again before
their next upload (tests/unit/privacy/test_consent_text.py pins the English's digest to the
version, so a change without a bump fails). A new or corrected translation is the same text
and asks no one again: only the English is hashed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.privacy.model import PHOTO_CONSENT_VERSION

TITLE = _("Your consent to photo analysis")
AGREEMENT = _(
    "I agree that MetSkin analyses my face photos and videos to measure my skin (health data)."
)
WITHDRAWING = _(
    "Withdrawing stops new uploads and analyses, and an analysis still waiting is not run. "
    "Your results stay yours to see, download or erase; the dermatologists you share them with "
    "keep access until you revoke those shares on the Sharing page."
)
# (heading, the sentences of its paragraph)
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        _("What is measured"),
        (
            _(
                "From each photo or video: your skin tone, skin type and seven concerns (acne, "
                "wrinkles, pigmentation, redness, pores, dark circles, shine) region by region. "
                "Face photos used to assess skin are health data, so MetSkin asks your explicit "
                "consent first."
            ),
        ),
    ),
    (
        _("Who sees it"),
        (
            _(
                "Only you, and the dermatologists you choose to share an analysis with (every "
                "look is in your access log). MetSkin's administrators read it only when you "
                "ask for support. It is never sold, and never used to train models unless you "
                "also say yes to that separately."
            ),
        ),
    ),
    (
        _("How long it is kept"),
        (
            _(
                "Photos are stored encrypted, with their results, until you erase them with "
                "your account (Profile, Your data). You can download everything at any time."
            ),
        ),
    ),
    (
        _("How to withdraw"),
        (_("On your profile, in one click, as easily as you gave it."), WITHDRAWING),
    ),
)
NOTE = _(
    "Your account does not depend on it: without it you can use everything except uploading "
    "photos for analysis."
)


@dataclass(frozen=True)
class ConsentSection:
    heading: str
    body: str


@dataclass(frozen=True)
class ConsentText:
    """The consent text in one language, for the version a consent given to it names."""

    version: str
    locale: str
    title: str
    agreement: str  # the sentence next to the box
    sections: tuple[ConsentSection, ...]
    withdrawing: str  # what withdrawing does (also said where it is withdrawn)
    note: str

    @property
    def markdown(self) -> str:
        parts = [f"# {self.title}", f"**{self.agreement}**"]
        parts += [f"## {section.heading}\n\n{section.body}" for section in self.sections]
        return "\n\n".join([*parts, f"_{self.note}_"]) + "\n"


def photo_consent_text(tr: Translator, version: str = PHOTO_CONSENT_VERSION) -> ConsentText:
    """The text in the translator's language (English where the catalog lacks a sentence)."""
    say = tr.gettext
    sections = tuple(
        ConsentSection(say(heading), " ".join(say(sentence) for sentence in body))
        for heading, body in SECTIONS
    )
    return ConsentText(
        version, tr.locale, say(TITLE), say(AGREEMENT), sections, say(WITHDRAWING), say(NOTE)
    )


def english_digest() -> str:
    """SHA-256 of the English text (the source, not a translation): it changes exactly when
    the text people agree to changes."""
    source = [TITLE, AGREEMENT, [[h, list(b)] for h, b in SECTIONS], NOTE]
    return hashlib.sha256(json.dumps(source, ensure_ascii=False).encode()).hexdigest()
