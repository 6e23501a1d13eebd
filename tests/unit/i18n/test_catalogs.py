"""Every visible text has a French and a German translation (issue 14, point 7).

Adding an English text without translating it fails here, whichever way it is added:
- marked (`_()`, `gettext`, `{% trans %}`, `t()`, `mark()`) but not in the catalogs, or in
  them untranslated (run `make messages`, then translate the new entries);
- not marked at all: visible English in the web app's scripts or the mail and `/learn`
  templates outside the catalog functions, or a refusal (any coded domain error) raised with
  an English string no `_()` marks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metskin.adapters.i18n.catalogs import read_catalog
from metskin.adapters.i18n.extract import PACKAGE, extracted, source_files
from tests.unit.i18n.visible import (
    english_refusals,
    scan_scripts,
    translated_on_import,
    untranslated_js,
    untranslated_template,
)

LANGUAGES = ("fr", "de")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_the_catalog_is_translated_with_its_placeholders(language: str) -> None:
    catalog = read_catalog(language)
    entries = [m for m in catalog if m.id]
    assert len(entries) > 300
    missing = [m.id for m in entries if not _translated(m.string) or m.fuzzy]
    assert not missing, f"{language}: untranslated: {missing}"
    for message in entries:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (language, message.id, string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_holds_exactly_the_texts_the_sources_mark(language: str) -> None:
    marked = {message: (path, line) for message, path, line in extracted()}
    catalog = {tuple(m.id) if isinstance(m.id, list) else m.id for m in read_catalog(language)}
    catalog.discard("")
    new = {m: where for m, where in marked.items() if m not in catalog}
    assert not new, f"texts missing from {language} (run `make messages`): {new}"
    stale = catalog - set(marked)
    assert not stale, f"{language} holds texts no source shows any more: {stale}"


def test_the_web_app_shows_no_english_outside_t() -> None:
    found = scan_scripts(source_files("web/**/*.js"))
    assert not found, f"visible English outside t(): {found}"


def test_no_refusal_is_said_in_english_only() -> None:
    """A coded domain error raised with English (`ValidationFailed("...")`, `NotFound(f"...")`,
    `AnalysisNotFound("...")`: any class deriving from `DomainError`) reached French and German
    readers as its code's generic sentence ("This value is not valid", "Not found, or not yours
    to see"): marked (`_()`, with `translatable` for the values), it is in the catalogs and
    translated whole."""
    english = [
        f"{path.relative_to(PACKAGE).as_posix()}:{line} ({kind})"
        for path in source_files("**/*.py")
        for line, kind in english_refusals(path.read_text(encoding="utf-8"))
    ]
    assert not english, f"English-only refusals (see english_refusals): {english}"


def test_no_script_translates_before_the_catalog_has_loaded() -> None:
    """t() at module level runs on import, while the catalog is still on its way."""
    early = {
        path.name: lines
        for path in source_files("web/**/*.js")
        if (lines := translated_on_import(path.read_text(encoding="utf-8")))
    }
    assert not early, f"use mark() there and t() where the text is shown: {early}"


@pytest.mark.parametrize(
    "path",
    [*source_files("templates/mail/*.j2"), *source_files("domain/content/templates/*.j2")],
    ids=lambda p: p.name,
)
def test_templates_show_no_english_outside_trans(path: Path) -> None:
    assert untranslated_template(path.read_text(encoding="utf-8")) == []


def test_the_checks_catch_an_english_text_added_without_translation() -> None:
    assert untranslated_js('h("p", {}, "Your new feature.")')
    assert untranslated_js('const A = [["x", "It worked"]];')
    assert untranslated_js('h("p", {}, `Booked ${when} with ${name}`)')
    assert untranslated_js('h("p", {}, `${n} ${t("ok")} ${"Plain English"}`)')
    assert not untranslated_js('h("p", { class: "notice ok" }, t("Your new feature."))')
    assert not untranslated_js('t("Two " + "parts.", { n: 1 }); mark("Marked text")')
    assert not untranslated_js('gql(`query { me { id } }`); h("a", { href: "#/inbox" })')
    assert translated_on_import('const A = [["x", t("It worked")]];') == [1]
    assert translated_on_import('const A = [["x", mark("It worked")]];') == []
    assert translated_on_import('const F = (x) => t("Later"); function g() { t("Later"); }') == []
    assert translated_on_import('const D = Array.from({ length: 7 }, (_, i) => t("Day"));') == [1]
    assert translated_on_import('const L = ["a"].map((x) => {\n  return t("Now");\n});') == [2]
    assert (
        translated_on_import(
            'on("click", () => t("Later")); const f = () => [1].map(() => t("x"));'
        )
        == []
    )
    assert english_refusals('raise ValidationFailed("Too long.", field="bio")') == [(1, "literal")]
    assert english_refusals('raise ValidationFailed(f"At most {n}.")') == [(1, "formatted")]
    assert english_refusals('raise errors.ValidationFailed.translatable("At most {n}.", n=1)')
    assert not english_refusals('raise ValidationFailed(_("Too long."), field="bio")')
    assert not english_refusals('raise ValidationFailed.translatable(too_long, "bio", n=2)')
    # every coded domain error, found by introspection, whatever its module or parent
    assert english_refusals('raise NotFound("No such thing.")') == [(1, "literal")]
    assert english_refusals('raise Forbidden(f"Not {who}\'s.")') == [(1, "formatted")]
    assert english_refusals('raise errors.Conflict("Taken.", field="slug")') == [(1, "literal")]
    assert english_refusals('raise AnalysisNotFound(message="No such analysis.")')
    assert english_refusals('raise ApiKeyNotFound("No such key.", field="id")')
    assert english_refusals('raise RateLimited("Wait %s s." % wait)') == [(1, "formatted")]
    assert english_refusals('raise SkinModelNotFound("No version {v}.".format(v=v))')
    assert english_refusals('raise TokenExpired("Expired.")')  # an adapter's own subclass
    assert not english_refusals('raise AnalysisNotFound(_("No such analysis."), field="id")')
    assert not english_refusals('raise NotFound.translatable(NO_SUCH, "id", id=7)')
    assert not english_refusals('raise ValueError("Not a coded error.")')
    assert not english_refusals("raise NotFound(message)")  # a text marked where it is made
    assert english_refusals('TAKEN = "Taken."\nraise SlotUnavailable(TAKEN)') == [(2, "literal")]
    assert not english_refusals('TAKEN = _("Taken.")\nraise SlotUnavailable(TAKEN)')
    assert untranslated_template("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_template('<meta content="Short text">') == ["Short text"]
    assert untranslated_template("<p>{% trans %}Hello {{ name }}{% endtrans %}</p>") == []
    assert untranslated_template('<p>{{ _("Hello") }} {{ name }}</p>') == []


def test_a_german_role_label_names_women_too() -> None:
    """A woman's German profile and her patients' pages called her "Dermatologe"."""
    catalog = read_catalog("de")
    assert catalog["Dermatologist"].string == "Dermatologe/Dermatologin"
