"""Visible English outside the catalog: texts in the web app's scripts that no `t()` or
`mark()` wraps, text in the mail and `/learn` templates outside `{% trans %}` and `_()`, and
refusals (any coded domain error) written in English that no `_()` marks.

A text counts as visible when it has a capitalised word (`Save profile`, `Rate`) or ends a
sentence; GraphQL documents, selectors, paths and API names (`WORKED`) do not.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from babel.messages.jslexer import Token, tokenize

TRANSLATING = {"t", "mark"}
NOT_TEXT = {"MetSkin", "GraphQLError", "Bearer", "ApiKey"}  # names, not words to translate
_GRAPHQL = re.compile(r"^\s*(query|mutation|subscription)\b|\{\s*\w+[\s(]")
_WORDY = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]+|(?<![A-Za-z])[A-Z] [a-z]{2,}|[a-z]{2,} .*[a-z][.?!…:]\s*$"
)


def looks_visible(text: str) -> bool:
    text = text.strip()
    if not text or text in NOT_TEXT or _GRAPHQL.search(text):
        return False
    if text.startswith(("#", "/", ".", "[", "http", "data-", "aria-", "@")):
        return False
    if " " not in text and "/" in text:  # a path or a time zone (Europe/London)
        return False
    return bool(_WORDY.search(text))


def _tokens(source: str) -> list[Token]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [
            tok
            for tok in tokenize(source, jsx=False, dotted=False, template_string=True)
            if tok.type not in ("linecomment", "multilinecomment")
        ]


def _template_parts(literal: str) -> tuple[str, list[str]]:
    """A template literal's text (placeholders dropped) and the code of its `${...}`."""
    body, text, code, depth, i = literal[1:-1], [], [], 0, 0
    current: list[str] = []
    while i < len(body):
        if depth == 0 and body.startswith("${", i):
            depth, i, current = 1, i + 2, []
            continue
        char = body[i]
        if depth:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                code.append("".join(current))
            else:
                current.append(char)
        else:
            text.append(char)
        i += 1
    return "".join(text), code


def untranslated_js(source: str) -> list[tuple[int, str]]:
    """(line, literal) of each visible text no t() or mark() wraps."""
    return list(_untranslated_js(source, 0))


def _untranslated_js(source: str, line_offset: int) -> Iterator[tuple[int, str]]:
    tokens = _tokens(source)
    wrapped = False  # inside the first argument of t() / mark()
    for index, tok in enumerate(tokens):
        before = tokens[index - 2 : index]
        if len(before) == 2 and before[0].value in TRANSLATING and before[1].value == "(":
            wrapped = True
        if tok.type == "string":
            if not wrapped and looks_visible(eval_string(tok.value)):
                yield tok.lineno + line_offset, tok.value
        elif tok.type == "template_string":
            text, code = _template_parts(tok.value)
            if looks_visible(text):
                yield tok.lineno + line_offset, tok.value
            for part in code:
                yield from _untranslated_js(part, tok.lineno - 1 + line_offset)
        elif wrapped and not (tok.type == "operator" and tok.value in "+("):
            wrapped = False


def translated_on_import(source: str) -> list[int]:
    """Lines of t() calls that run when the module loads, before the catalog has arrived
    (such texts stay English): module-level code outside function bodies and arrows, and
    inside the callbacks that `Array.from`, `.map` and the like run at once. Such texts are
    marked with mark() and translated with t() where they are shown."""
    found: list[int] = []
    # "function", "block", "arrow" (an arrow's expression body), or "now" / "now-arrow" for
    # a function or arrow that an array method runs at once
    stack: list[str] = []
    tokens = _tokens(source)
    previous: str | None = None
    callee: str | None = None  # the name before the last "("
    for index, tok in enumerate(tokens):
        value = tok.value if tok.type == "operator" else None
        if value == ">" and previous == "=":  # the lexer reads `=>` as `=` then `>`
            previous = "=>"
            continue
        runs_now = _runs_now(stack)
        if previous == "=>" and value != "{":
            stack.append("now-arrow" if runs_now else "arrow")
        if value == "{":
            if previous in (")", "=>"):
                stack.append("now" if runs_now else "function")
            else:
                stack.append("block")
        elif value == "(":
            stack.append("call-now" if callee in RUN_AT_ONCE else "block")
        elif value == "[":
            stack.append("block")
        elif value in ("}", ")", "]"):
            while stack and stack[-1] in ("arrow", "now-arrow"):
                stack.pop()
            if stack:
                stack.pop()
        elif value in (",", ";") and stack and stack[-1] in ("arrow", "now-arrow"):
            stack.pop()
        following = tokens[index + 1].value if index + 1 < len(tokens) else ""
        called = tok.type == "name" and tok.value == "t" and following == "("
        called = called and (index == 0 or tokens[index - 1].value != "function")
        if called and not {"function", "arrow"} & set(stack):
            found.append(tok.lineno)
        previous = value if value is not None else tok.type
        callee = tok.value if tok.type == "name" else None
    return found


# Functions that call their callback before they return: a t() in it at module level runs on
# import as surely as one written there
RUN_AT_ONCE = {
    "from",
    "map",
    "flatMap",
    "forEach",
    "filter",
    "reduce",
    "some",
    "every",
    "find",
    "findIndex",
    "sort",
    "fromEntries",
}


def _runs_now(stack: list[str]) -> bool:
    """Whether a function or arrow opened here would run at once: it is an argument of a call
    in RUN_AT_ONCE, and everything around it runs on import too."""
    if not stack or stack[-1] != "call-now":
        return False
    return not {"function", "arrow"} & set(stack)


def eval_string(literal: str) -> str:
    return literal[1:-1].replace('\\"', '"').replace("\\'", "'")


_TRANS = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_ATTRIBUTE = re.compile(r'\b(?:alt|title|placeholder|content|aria-label)="([^"]*)"')
_TAG = re.compile(r"<[^>]*>")


def untranslated_template(source: str) -> list[str]:
    text = _EXPRESSION.sub(" ", _TRANS.sub(" ", source))
    found = [value for value in _ATTRIBUTE.findall(text) if looks_visible(value)]
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]+(?: [A-Za-z'\u2019-]+)*", _TAG.sub(" ", text))
    return found + [w for w in words if w not in NOT_TEXT and w.lower() != "doctype html"]


def scan_scripts(paths: list[Path]) -> dict[str, list[tuple[int, str]]]:
    return {
        path.name: found
        for path in paths
        if (found := untranslated_js(path.read_text(encoding="utf-8")))
    }


def domain_error_names() -> frozenset[str]:
    """The names of every coded domain error class (`DomainError` and all that derive from it),
    found by importing the package's modules (workers and the command line aside: they define
    none, and importing an actor binds it to a broker) and asking the classes themselves."""
    global _DOMAIN_ERRORS
    if _DOMAIN_ERRORS is None:
        import metskin
        from metskin.domain.errors import DomainError

        for module in pkgutil.walk_packages(metskin.__path__, "metskin."):
            if not re.search(r"\.(workers|cli|__main__)\b", module.name):
                importlib.import_module(module.name)
        found, todo = set(), [DomainError]
        while todo:
            error = todo.pop()
            found.add(error.__name__)
            todo += error.__subclasses__()
        _DOMAIN_ERRORS = frozenset(found)
    return _DOMAIN_ERRORS


_DOMAIN_ERRORS: frozenset[str] | None = None


def english_refusals(source: str, errors: frozenset[str] | None = None) -> list[tuple[int, str]]:
    """(line, kind) of each coded domain error (`errors`: by default every class deriving from
    `DomainError`) raised with English the catalog cannot hold: a plain string, or a module's
    constant holding one ("literal": wrap it in `_()`), or an f-string ("formatted": use
    `NotFound.translatable(_("... {name} ..."), field, name=...)`). French and German got the
    code's generic sentence for either."""
    names = domain_error_names() if errors is None else errors
    tree = ast.parse(source)
    english = {  # a module's English constants: `TAKEN = "..."` (not `TAKEN = _("...")`)
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        if isinstance(called, ast.Attribute) and called.attr == "translatable":
            called = called.value
        name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
        said = node.args[0] if node.args else _keyword(node, "message", "template")
        if name not in names or said is None:
            continue
        if isinstance(said, ast.Constant) and isinstance(said.value, str):
            found.append((node.lineno, "literal"))
        elif isinstance(said, ast.Name) and said.id in english:
            found.append((node.lineno, "literal"))  # named, but English all the same
        elif isinstance(said, ast.JoinedStr | ast.BinOp) or (
            isinstance(said, ast.Call)
            and isinstance(said.func, ast.Attribute)
            and isinstance(said.func.value, ast.Constant)
        ):
            found.append((node.lineno, "formatted"))  # f"...", "..." % x, "...".format(x)
    return found


def _keyword(node: ast.Call, *names: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg in names), None)
