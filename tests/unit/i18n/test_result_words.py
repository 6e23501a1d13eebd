"""A result's words in the person's language: names, bands, counted sentences, the summary."""

from __future__ import annotations

from metskin.adapters.i18n.catalogs import read_catalog
from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.analysis import colour, plain
from metskin.domain.analysis.model import score_band

TRANSLATIONS = BabelTranslations()
translator = TRANSLATIONS.translator
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
    assert (words["title"], words["band_label"]) == ("Ridules et rides", "Niveau modéré")
    assert words["meaning"] == "Nettement visible sur la photo."
    summary = plain.summary(RESULT, french)
    assert summary.startswith("Votre teinte de peau est 4 sur l'échelle de Monk")
    assert "ridules et rides, niveau modéré" in summary
    german = plain.summary(RESULT, TRANSLATIONS.translator("de-DE"))
    # German nouns keep their capital; the band is an adjective
    assert "Linien und Falten, mäßig" in german, german


def test_a_band_agrees_with_every_concern_it_is_said_of() -> None:
    """Said beside any concern's name ("Rougeurs : Léger", a masculine adjective after a
    feminine plural; "Glanz: Keine", a plural after a masculine): in French each band is a
    "niveau", in German none is "Keine Anzeichen", as French "Aucun signe"."""
    bands = {"none": 5.0, "mild": 20.0, "moderate": 40.0, "marked": 70.0}
    said = {
        locale: {
            band: plain.concern_text("shine", {"score": score}, RESULT, tr)["band_label"]
            for band, score in bands.items()
        }
        for locale in ("fr-FR", "de-DE")
        for tr in [translator(locale)]
    }
    assert said == {
        "fr-FR": {
            "none": "Aucun signe",
            "mild": "Niveau léger",
            "moderate": "Niveau modéré",
            "marked": "Niveau marqué",
        },
        "de-DE": {
            "none": "Keine Anzeichen",
            "mild": "Leicht",
            "moderate": "Mäßig",
            "marked": "Ausgeprägt",
        },
    }
    listed = {"score": 70.0, "regions": {}}
    french = plain.summary({"ok": True, "concerns": {"redness": listed}}, translator("fr-FR"))
    assert "rougeurs, niveau marqué" in french, french


def test_a_concern_whose_name_has_brackets_is_listed_without_a_second_pair() -> None:
    """The summary read "shine (oily skin) (mild)": the band now goes where each language puts
    it ("mild shine (oily skin)"; "brillance (peau grasse), niveau léger")."""
    shine = {"ok": True, "concerns": {"shine": {"score": 20.0, "regions": {}}}}
    for locale, listed in (
        ("en-GB", "Most visible in this photo: mild shine (oily skin)."),
        ("fr-FR", "Le plus visible sur cette photo : brillance (peau grasse), niveau léger."),
        ("de-DE", "Am deutlichsten auf diesem Foto: Glanz (fettige Haut), leicht."),
    ):
        said = plain.summary(shine, translator(locale))
        assert listed in said and ") (" not in said, said


def test_the_summary_s_list_follows_one_colon_in_every_language() -> None:
    """German read "Am deutlichsten auf diesem Foto: Augenringe: leicht; Glanz (fettige Haut):
    mäßig.", two colons in one sentence, and French "…, niveau marqué; boutons" with the
    English semicolon. Each item now takes a comma where it names its band, and the list's
    semicolon is the language's."""
    seen = {
        code: {"score": score, "regions": {}}
        for code, score in (("dark_circles", 20.0), ("shine", 45.0), ("wrinkles", 70.0))
    }
    result = {"ok": True, "tone": {"monk": 4}, "concerns": seen}
    expected = {
        "en-GB": "Most visible in this photo: marked lines and wrinkles; moderate shine "
        "(oily skin); mild dark circles.",
        "fr-FR": "Le plus visible sur cette photo : ridules et rides, niveau marqué ; "
        "brillance (peau grasse), niveau modéré ; cernes, niveau léger.",
        "de-DE": "Am deutlichsten auf diesem Foto: Linien und Falten, ausgeprägt; "
        "Glanz (fettige Haut), mäßig; Augenringe, leicht.",
    }
    for locale, listed in expected.items():
        said = plain.summary(result, translator(locale))
        assert listed in said, said
        assert all(sentence.count(":") <= 1 for sentence in said.split(". ")), said
    for language in ("fr", "de"):  # the item goes after a colon, whatever the concern
        item = read_catalog(language)[plain.BAND_AND_NAME].string
        assert ":" not in item, (language, item)


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


def test_the_summary_names_a_concern_once_with_its_places() -> None:
    """It said "lines and wrinkles on the right smile line, lines and wrinkles on the left
    smile line" (a black man's moustache edge read at rest, London face 044)."""
    lines = {
        "score": 15.0,
        "band": "none",
        "regions": {"nasolabial_right": 55.0, "nasolabial_left": 72.0, "forehead": 10.0},
    }
    shine = {"score": 9.0, "band": "none", "regions": {"nose": 38.0}}
    result = {"ok": True, "tone": {"monk": 6}, "concerns": {"wrinkles": lines, "shine": shine}}
    assert (
        "In places: lines and wrinkles on the left smile line and on the right smile line, "
        "shine (oily skin) on the nose." in plain.summary(result)
    )
    french = plain.summary(result, TRANSLATIONS.translator("fr-FR"))
    assert french.count("ridules et rides") == 1, french


def test_a_band_is_the_band_of_the_score_as_shown() -> None:
    """A card said "15 of 100" (14.6, rounded by the web app) and "None"."""
    edges = (0, 14.4, 14.5, 14.6, 34.4, 34.5, 59.49, 59.5, 100)
    bands = [score_band(s) for s in edges]
    assert bands == ["none"] * 2 + ["mild"] * 3 + ["moderate"] * 2 + ["marked"] * 2


def test_the_fitzpatrick_band_carries_its_uncertainty() -> None:
    """ITA -9.9 +- 4.2 read "Fitzpatrick V" alone, one step from IV."""
    assert colour.fitzpatrick_range(-9.9, 4.2) == ("V", "V")
    assert colour.fitzpatrick_range(8.0, 4.0) == ("IV", "V")
    assert colour.fitzpatrick_range(56.0, 20.0) == ("I", "III")
