"""docs/api.md, the integrator's guide, against the code: every error code a client can get is
in its table, with a sentence of its own in every language, and no code there is gone; every
deprecated field or argument says why and is listed there."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, parse, validate

import metskin
from metskin.domain.errors import DomainError, Unavailable
from metskin.graphql.i18n import CODE_MESSAGES
from metskin.graphql.schema import build_schema
from metskin.settings import Settings

SRC = Path(metskin.__file__).parent
GUIDE = SRC.parents[1] / "docs" / "api.md"
# Raised by the command line only (`metskin dataset`, `metskin skin-model`,
# `metskin train-recommender`), never by the API.
COMMAND_LINE_ONLY = {
    "DATASET_CONSENT_WITHDRAWN",
    "DATASET_FOLDER_INVALID",
    "DATASET_LABELS_INVALID",
    "DATASET_LICENCE_REFUSED",
    "DATASET_OUT_INVALID",
    "DATASET_SPLIT_EMPTY",
    "RECOMMENDER_FEEDBACK_INVALID",
    "RECOMMENDER_NO_FEEDBACK",
    "RECOMMENDER_NOT_BETTER",
    "RECOMMENDER_NOT_FOUND",
    "SKIN_MODEL_FILE_INVALID",
    "SKIN_MODEL_GATE_REFUSED",
    "SKIN_MODEL_NOT_FOUND",
    "SKIN_MODEL_WRONG_STATE",
}
CODE = re.compile(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"')
FAILED_AS = re.compile(r'(?:mark_failed\(\w+|record_failure\(uow, analysis), "([A-Z_]+)"')


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


@cache
def error_codes() -> frozenset[str]:
    """Every `extensions.code`: the domain's and adapters' errors, and the codes the API layer
    writes itself (limits, persisted queries, masking)."""
    for package in ("domain", "adapters.security", "adapters.notify", "graphql"):
        module = importlib.import_module(f"metskin.{package}")
        for info in pkgutil.walk_packages(module.__path__, f"metskin.{package}."):
            importlib.import_module(info.name)
    bases = {DomainError, Unavailable}
    codes = {cls.code for base in bases for cls in {base} | _subclasses(base)}
    for path in (SRC / "graphql").rglob("*.py"):
        codes |= set(CODE.findall(path.read_text(encoding="utf-8")))
    return frozenset(codes - COMMAND_LINE_ONLY)


def failure_codes() -> set[str]:
    """`Analysis.failureCode` values set outside an error class (a consent withdrawn, a
    worker that gave up)."""
    sources = [SRC / "domain" / "analysis" / "service.py", SRC / "workers" / "analysis.py"]
    return {code for path in sources for code in FAILED_AS.findall(path.read_text())}


def guide_table(heading: str) -> set[str]:
    """The codes in the first column of the table under `heading`."""
    text = GUIDE.read_text(encoding="utf-8").split(f"\n## {heading}\n", 1)[1].split("\n## ")[0]
    return set(re.findall(r"^\| `([A-Z_]+)`", text, flags=re.MULTILINE))


def test_every_error_code_a_client_can_get_is_in_the_guide_and_nothing_else_is() -> None:
    codes = error_codes() - failure_codes()  # CONSENT_WITHDRAWN: a failure, never an error
    assert {"API_KEY_SCOPE", "QUERY_TOO_COSTLY", "RATE_LIMITED", "INTERNAL_ERROR"} <= codes
    documented = guide_table("Error codes")
    assert sorted(codes - documented) == [], "codes docs/api.md does not explain"
    assert sorted(documented - codes) == [], "codes docs/api.md lists that nothing raises"
    assert guide_table("Errors of the command line") == COMMAND_LINE_ONLY


def test_every_failure_code_of_an_analysis_is_in_the_guide() -> None:
    found = failure_codes()
    assert {"CONSENT_WITHDRAWN", "ANALYSIS_TIMED_OUT", "ANALYSIS_FAILED"} <= found
    assert sorted(found - guide_table("Why an analysis failed")) == []


def test_every_code_has_its_own_sentence_for_other_languages() -> None:
    """A message built with values has no whole translation: fr and de then read the code's
    sentence. Before, 39 codes (API_KEY_SCOPE, PRODUCT_NOT_FOUND, SLUG_TAKEN, the labels' ...)
    had none and read "This request could not be done.", whatever went wrong."""
    assert sorted(error_codes() - set(CODE_MESSAGES)) == []


def test_every_deprecation_says_why_and_is_in_the_guide() -> None:
    schema = build_schema(Settings())._schema
    deprecated: dict[str, str | None] = {}
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLObjectType):
            for name, field in type_.fields.items():
                if field.deprecation_reason is not None:
                    deprecated[f"{type_.name}.{name}"] = field.deprecation_reason
                for arg_name, arg in field.args.items():
                    if arg.deprecation_reason is not None:
                        deprecated[f"{type_.name}.{name}({arg_name}:)"] = arg.deprecation_reason
        if isinstance(type_, GraphQLInputObjectType):
            for name, input_field in type_.fields.items():
                if input_field.deprecation_reason is not None:
                    deprecated[f"{type_.name}.{name}"] = input_field.deprecation_reason
        if isinstance(type_, GraphQLEnumType):
            for name, value in type_.values.items():
                if value.deprecation_reason is not None:
                    deprecated[f"{type_.name}.{name}"] = value.deprecation_reason
    assert "Mutation.createDermatologist(password:)" in deprecated
    vague = {"", "No longer supported", "Deprecated"}
    assert [where for where, why in deprecated.items() if (why or "").strip() in vague] == []
    guide = GUIDE.read_text(encoding="utf-8").split("\n## Deprecations\n", 1)[1]
    assert [where for where in deprecated if f"`{where}`" not in guide] == []


def test_the_queries_and_names_the_guides_show_are_the_schema_s() -> None:
    """The README's curl and Python examples validate against the served schema, and every
    API name written in backticks in the README and this guide (`givePhotoConsent`,
    `sharesUntil`...) is a field, argument, input field, type or enum value of it."""
    schema = build_schema(Settings())._schema
    names = {"operationName", "retryAfter", "maxCost"}  # request keys and error extensions
    for type_ in schema.type_map.values():
        names.add(type_.name)
        for name, field in (getattr(type_, "fields", None) or {}).items():
            names |= {name, *(getattr(field, "args", None) or {})}
        names |= set(getattr(type_, "values", None) or {})
    readme = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    quoted = re.findall(r'"query":\s*"((?:[^"\\]|\\.)*)"', readme)  # curl's JSON bodies
    python = re.findall(r'= "((?:query|subscription|mutation)[^"]*)"', readme)
    documents = [q.replace('\\"', '"') for q in quoted if "..." not in q] + python
    assert len(documents) >= 5
    for document in documents:
        assert validate(schema, parse(document)) == [], document
    for text in (readme, GUIDE.read_text(encoding="utf-8")):
        unknown = set(re.findall(r"`([a-z]+[A-Z][A-Za-z]*)", text)) - names
        assert sorted(unknown) == []
