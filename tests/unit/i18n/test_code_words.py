"""Every code the web app shows through humanize() has a word in words.js, so the catalogs
(tests/unit/i18n/test_catalogs.py) have it in French and German. Built on the fly from the
code ("SKIN_CANCER" -> "Skin cancer"), those words never reached the catalogs: a French reader
saw "Light", "Cool", "Decided by Image", "Monday" and "Skin cancer" in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from metskin.adapters.i18n.catalogs import read_catalog
from metskin.domain.accounts.model import CONCERNS, SEXES, SKIN_TYPES
from metskin.domain.analysis.colour import ITA_BANDS, undertone
from metskin.domain.analysis.skin_type import fuse
from metskin.domain.progress.deltas import TONE

WEB = Path(__file__).resolve().parents[3] / "src/metskin/web"
SCHEMA = Path(__file__).resolve().parents[3] / "schema.graphql"
# The enums whose values the web app passes to humanize() (grep "humanize(" src/metskin/web).
HUMANIZED_ENUMS = (
    "AnalysisStage",
    "AnalysisStatus",
    "AppointmentStatus",
    "ConsultationType",
    "Specialty",
    "Urgency",
    "Role",
    "Weekday",
    "LesionType",
    "LabelConcern",
    "LabelSource",
    "AccessResource",
    "MediaKind",
    "ProductOutcome",
)
ENTRY = re.compile(r'"?([a-z_+]+)"?: mark\("([^"]+)"\)')


def words() -> dict[str, str]:
    return dict(ENTRY.findall((WEB / "words.js").read_text()))


def enum_values(name: str) -> list[str]:
    found = re.search(rf"^enum {name} \{{([^}}]*)\}}", SCHEMA.read_text(), re.MULTILINE)
    assert found, name
    return re.findall(r"^\s+([A-Z][A-Z_0-9]*)\s*$", found[1], re.MULTILINE)


def codes() -> set[str]:
    found = {value.lower() for name in HUMANIZED_ENUMS for value in enum_values(name)}
    found |= {category for _, _, category in ITA_BANDS}  # "very light": humanize reads very_light
    found |= {undertone(hue) for hue in (0.0, 50.0, 90.0)}
    found |= {
        fuse("oily", confidence, answer)[1]
        for confidence in (0.2, 0.9)
        for answer in (None, "oily", "dry")
    }
    found |= set(SKIN_TYPES) | set(CONCERNS) | set(SEXES) | {TONE}
    products = json.loads((WEB.parent / "data/catalog/products.json").read_text())
    return found | {product["slot"] for product in products}


def test_every_code_the_app_shows_has_its_word() -> None:
    known = words()
    missing = sorted(code for code in codes() if code.replace(" ", "_") not in known)
    assert not missing, f"add these to src/metskin/web/words.js: {missing}"
    assert len(known) == len(ENTRY.findall((WEB / "words.js").read_text()))  # no key twice


def test_every_word_is_translated() -> None:
    for language in ("fr", "de"):
        catalog = {m.id: m.string for m in read_catalog(language) if m.id}
        for code, word in words().items():
            assert catalog.get(word), (language, code, word)
    assert read_catalog("fr").get("Light").string == "Claire"  # the skin, "la peau claire"
