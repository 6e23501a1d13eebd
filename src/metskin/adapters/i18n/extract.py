"""Every text the product shows, found in the sources (Babel's extractors), and the catalogs
brought up to date with them (`metskin messages`, `make messages`).

Sources: Python `_()`, `n_()`, `gettext()`, `ngettext()` (domain and edge), jinja2 `{% trans %}` and
`_()` in the mail and `/learn` templates, and `t()` in the web app's scripts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from metskin.adapters.i18n.catalogs import DOMAIN
from metskin.domain.i18n.locales import LANGUAGES

PACKAGE = Path(__file__).resolve().parents[2]
PY_KEYWORDS = {"_": None, "n_": (1, 2), "gettext": None, "ngettext": (1, 2)}
JS_KEYWORDS = {"t": None, "mark": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
# (method, glob under the package, keywords, options)
SOURCES: tuple[tuple[str, str, dict[str, Any], dict[str, str]], ...] = (
    ("python", "**/*.py", PY_KEYWORDS, {}),
    ("jinja2.ext:babel_extract", "templates/mail/*.j2", PY_KEYWORDS, JINJA_OPTIONS),
    ("jinja2.ext:babel_extract", "domain/content/templates/*.j2", PY_KEYWORDS, JINJA_OPTIONS),
    ("javascript", "web/**/*.js", JS_KEYWORDS, {"parse_template_string": "true"}),
    # The safety rules' reasons are data that the code fills in ("Costs {price}, ..."): a
    # person reads each one as a sentence, so the catalog has it.
    (f"{__name__}:extract_reasons", "data/catalog/safety_rules.json", {}, {}),
)

MessageId = str | tuple[str, str]
HEADER: dict[str, Any] = {
    "project": "MetSkin",
    "version": "0.1",
    "copyright_holder": "the MetSkin authors",
    "msgid_bugs_address": "",
    "last_translator": "the MetSkin team",
}


def source_files(pattern: str) -> list[Path]:
    return sorted(p for p in PACKAGE.glob(pattern) if "__pycache__" not in p.parts)


def extracted() -> Iterator[tuple[MessageId, Path, int]]:
    """(msgid, file, line) for every marked text; a plural is (singular, plural)."""
    for method, pattern, keywords, options in SOURCES:
        for path in source_files(pattern):
            for line, message, _comments, _context in extract_from_file(
                method, str(path), keywords=keywords, options=options
            ):
                found = _message_id(message)
                if found:
                    yield found, path, line


def extract_reasons(
    fileobj: Any, _keywords: Any, _comment_tags: Any, options: Any
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor: every `"reason"` and `"group_reason"` of a JSON list of rules, with
    its line."""
    text = fileobj.read().decode("utf-8")
    for item in json.loads(text):
        for key in ("reason", "group_reason"):
            reason = item.get(key) if isinstance(item, dict) else None
            if isinstance(reason, str) and reason:
                at = text.find(json.dumps(reason, ensure_ascii=False))
                yield text.count("\n", 0, max(at, 0)) + 1, None, reason, []


def _message_id(message: object) -> MessageId | None:
    if isinstance(message, str):
        return message or None
    if isinstance(message, tuple | list) and len(message) >= 2 and all(message[:2]):
        return (str(message[0]), str(message[1]))
    return None


def template_catalog() -> Catalog:
    catalog = Catalog(domain=DOMAIN, fuzzy=False, **HEADER)
    for message, path, line in extracted():
        catalog.add(message, locations=[(str(path.relative_to(PACKAGE)), line)])
    return catalog


def update_catalogs(locale_dir: Path | None = None) -> dict[str, int]:
    """Add new texts (untranslated) to every language's .po, drop texts no source shows any
    more; returns how many entries each language still lacks."""
    base = locale_dir or PACKAGE / "locale"
    template = template_catalog()
    missing: dict[str, int] = {}
    for language in LANGUAGES:
        if language == "en":
            continue
        path = base / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=DOMAIN)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, **HEADER)
        template.creation_date = catalog.creation_date  # no churn when nothing changed
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)
        missing[language] = sum(1 for m in catalog if m.id and not _translated(m.string))
    return missing


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)
