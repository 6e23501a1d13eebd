"""A result's words in the person's language: names, bands, counted sentences, the summary."""

from __future__ import annotations

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.analysis import plain

TRANSLATIONS = BabelTranslations()
SEEN = {
    "score": 60.0,
    "band": "moderate",
    "regions": {"forehead": 40.0, "cheek_left": 30.0, "nose": 5.0},
    "measurements": {"line_count": 3, "lesion_count": 1, "red_area_fraction": 0.12},
}
RESULT = {"ok": True, "tone": {"monk": 4}, "concerns": {"wrinkles": SEEN, "acne": SEEN}}


def test_counted_sentences_take_each_language_s_plural_and_places() -> None:
    french = TRANSLATIONS.translator("fr-FR")
    german = TRANSLATIONS.translator("de-DE")
    assert plain.sentence("wrinkles", SEEN, RESULT, french) == (
        "3 rides vues, surtout sur le front et sur la joue gauche."
    )
    assert plain.sentence("acne", SEEN, RESULT, french).startswith("1 petit bouton rouge vu,")
    assert plain.sentence("acne", SEEN, RESULT, german).startswith("1 kleiner roter Pickel")
    assert plain.sentence("redness", SEEN, RESULT, german).startswith("Etwa 12 % Ihrer Haut")


def test_the_words_of_a_concern_and_the_summary_follow_the_language() -> None:
    french = TRANSLATIONS.translator("fr-CH")
    words = plain.concern_text("wrinkles", SEEN, RESULT, french)
    assert (words["title"], words["band_label"]) == ("Ridules et rides", "Modéré")
    assert words["meaning"] == "Nettement visible sur la photo."
    summary = plain.summary(RESULT, french)
    assert summary.startswith("Votre teinte de peau est 4 sur l'échelle de Monk")
    assert "ridules et rides: modéré" in summary
    german = plain.summary(RESULT, TRANSLATIONS.translator("de-DE"))
    assert "Linien und Falten: Mäßig" in german  # German nouns keep their capital


def test_english_reads_as_it_always_did() -> None:
    english = TRANSLATIONS.translator("en-GB")
    assert plain.sentence("wrinkles", SEEN, RESULT, english) == (
        "3 lines seen, mostly on the forehead and on the left cheek."
    )
    assert plain.sentence("wrinkles", SEEN, RESULT) == plain.sentence(
        "wrinkles", SEEN, RESULT, english
    )
    assert plain.summary(RESULT).startswith("Your skin tone is 4 on the 10-step Monk scale.")


def test_acne_and_dark_spots_name_a_region_with_the_skin_beside_it() -> None:
    """Acne and dark spots count in a region's zone (the jaw beside a cheek, the skin around the
    mouth beside the chin): their places say so; lines keep the region's own name."""
    english = TRANSLATIONS.translator("en-GB")
    beside = {**SEEN, "regions": {"chin": 40.0, "cheek_right": 30.0}}
    assert plain.sentence("acne", beside, RESULT, english) == (
        "1 small red bump seen, mostly on the chin or around the mouth and on the right cheek "
        "or jaw."
    )
    assert plain.sentence("wrinkles", beside, RESULT, english).endswith(
        "mostly on the chin and on the right cheek."
    )
    french = TRANSLATIONS.translator("fr-FR")
    assert "sur le menton ou autour de la bouche" in plain.sentence("acne", beside, RESULT, french)
    german = TRANSLATIONS.translator("de-DE")
    assert "am Kinn oder um den Mund" in plain.sentence("acne", beside, RESULT, german)
