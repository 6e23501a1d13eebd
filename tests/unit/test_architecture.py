"""The shape of the code (issue 11): pure domain, no import cycles, files short enough to read.

These read the source files as text (AST), so they run in milliseconds and fail with the names
of the modules at fault.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "metskin"
MAX_LINES = 450
FRAMEWORKS = (
    "sqlmodel",
    "sqlalchemy",
    "strawberry",
    "starlette",
    "uvicorn",
    "dramatiq",
    "redis",
    "boto3",
    "botocore",
    "torch",
    "mediapipe",
    "pydantic",
    "httpx",
    "sendgrid",
    "alembic",
    "PIL",
    "jwt",
    "argon2",
    "cryptography",
)


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported(path: Path) -> Iterator[str]:
    """Every module name an import statement names, type-only imports included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    names = modules()
    return {
        name: {m for m in imported(path) if m in names and m != name}
        for name, path in names.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules() -> None:
    assert cycles(import_graph()) == []


def test_the_domain_imports_no_framework() -> None:
    offenders = sorted(
        f"{name} imports {target}"
        for name, path in modules().items()
        if name.startswith("metskin.domain")
        for target in imported(path)
        if target.split(".")[0] in FRAMEWORKS
        or target.startswith(
            (
                "metskin.adapters",
                "metskin.graphql",
                "metskin.workers",
                "metskin.bootstrap",
                "metskin.cli",
            )
        )
    )
    assert offenders == []


def test_no_source_file_is_too_long_to_read_whole() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_domain_component_declares_its_unit_of_work_in_its_ports() -> None:
    """A component whose services open a unit of work names one of its own (issue 11)."""
    domain = PACKAGE / "domain"
    missing = []
    for service in sorted(domain.glob("*/service.py")):
        text = service.read_text(encoding="utf-8")
        ports = service.with_name("ports.py")
        if "uow_factory" in text and (
            not ports.exists()
            or "UnitOfWork(UnitOfWork, Protocol)" not in ports.read_text(encoding="utf-8")
        ):
            missing.append(service.parent.name)
    assert missing == []
