"""A light stemmer for the article search: a typed word's plural or common inflection ending
dropped, in English, French or German, so that "spots" finds "spot", "taches" finds "tache" and
"Flecken" finds "Fleck".

Only the typed words are stemmed: the search looks for each stem inside the article's text
(`ArticleFilter.matches`), so "spot" still finds "spots" and "spotted". A suffix is dropped
only when at least `SHORTEST` letters stay, so short words ("uses", "Haut") stay whole. Words
come folded (`model.searchable`: no case, no accents, umlauts as the bare letter).
"""

from __future__ import annotations

SHORTEST = 3  # letters a stem keeps at least

# (ending, what it becomes), the longest first; the first that leaves a stem long enough wins.
_ENGLISH = (
    ("nesses", ""),
    ("ness", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ying", "y"),
    ("sses", "ss"),
    ("xes", "x"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("ing", ""),
    ("ed", ""),
    ("s", ""),
)
_FRENCH = (
    ("euses", "eu"),
    ("euse", "eu"),
    ("eux", "eu"),
    ("eaux", "eau"),
    ("aux", "al"),
    ("ees", "e"),
    ("ee", "e"),
    ("es", "e"),
    ("s", ""),
    ("x", ""),
)
_GERMAN = (
    ("ungen", "ung"),
    ("heiten", "heit"),
    ("keiten", "keit"),
    ("ern", ""),
    ("em", ""),
    ("en", ""),
    ("er", ""),
    ("es", ""),
    ("e", ""),
    ("n", ""),
    ("s", ""),
)
_RULES = {"en": _ENGLISH, "fr": _FRENCH, "de": _GERMAN}
_KEPT = {"en": ("ss", "us", "is"), "fr": (), "de": ()}  # "-s" that is no plural: glass, acne's


def stem(word: str, language: str) -> str:
    """`word` (folded) without its inflection ending in `language` (English rules for one
    without its own)."""
    rules = _RULES.get(language, _ENGLISH)
    if word.endswith(_KEPT.get(language, ())):
        return word
    for ending, becomes in rules:
        if word.endswith(ending) and len(word) - len(ending) + len(becomes) >= SHORTEST:
            found = word[: len(word) - len(ending)] + becomes
            return _undoubled(found) if language == "en" and ending in ("ing", "ed") else found
    return word


def _undoubled(found: str) -> str:
    """ "spotted" and "spotting" to "spot", not "spott" ("ss", "ll" stay: "dressed")."""
    if len(found) > SHORTEST and found[-1] == found[-2] and found[-1] not in "lsz":
        return found[:-1]
    return found
