"""Build a GraphQL type from domain objects without listing every field twice.

`copy_fields(Share, share, active=share.is_active(now))` fills each field that `Share` takes
from the first source that has an attribute (or, for a mapping, a key) of the same name;
keyword values override, and a keyword that is not a field of the type is an error. A required
field that no source has fails at construction, so a renamed domain field is caught by the
first test that maps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from operator import attrgetter
from typing import Any, TypeVar, get_type_hints

import strawberry

T = TypeVar("T")

_MISSING = object()


_NAMES: dict[type[Any], tuple[tuple[str, ...], frozenset[str]]] = {}
_GETTERS: dict[tuple[type[Any], frozenset[str]], tuple[tuple[str, ...], Any]] = {}


def _init_names(cls: type[Any]) -> tuple[tuple[str, ...], frozenset[str]]:
    found = _NAMES.get(cls)
    if found is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
        found = _NAMES[cls] = (names, frozenset(names))
    return found


def _reader(source: object) -> Any:
    """`read(name)`: the source's key or attribute of that name, or _MISSING."""
    if isinstance(source, Mapping):
        return lambda name: source.get(name, _MISSING)
    return lambda name: getattr(source, name, _MISSING)


def _getter(cls: type[Any], given: frozenset[str]) -> tuple[tuple[str, ...], Any]:
    """The fields `cls` takes that are not given, and one attrgetter for all of them."""
    found = _GETTERS.get((cls, given))
    if found is None:
        missing = tuple(name for name in _init_names(cls)[0] if name not in given)
        getter = attrgetter(*missing) if len(missing) > 1 else None
        found = _GETTERS[(cls, given)] = (missing, getter)
    return found


def copy_fields(cls: type[T], *sources: object, **values: Any) -> T:
    names, known = _init_names(cls)
    if not known.issuperset(values):
        unknown = set(values) - known
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    if sources and not isinstance(sources[0], Mapping):  # the common case: one C call
        missing, getter = _getter(cls, frozenset(values))
        if getter is not None:
            try:
                values.update(zip(missing, getter(sources[0]), strict=True))
                return cls(**values)
            except AttributeError:
                pass  # some come from the other sources
    readers = [_reader(source) for source in sources]
    for name in names:
        if name in values:
            continue
        for read in readers:
            value = read(name)
            if value is not _MISSING:
                values[name] = value
                break
    return cls(**values)


def input_like(domain: type[Any], name: str, description: str) -> type[Any]:
    """A Strawberry input with the fields (names, types, defaults) of a domain dataclass, and
    `to_domain()` to build that dataclass (which validates) from it."""
    hints = get_type_hints(domain)
    shape = dataclasses.make_dataclass(
        name,
        [
            (f.name, hints[f.name], dataclasses.field(default=f.default))
            for f in dataclasses.fields(domain)
        ],
        namespace={"to_domain": lambda self: domain(**vars(self))},
    )
    return strawberry.input(shape, description=description)
