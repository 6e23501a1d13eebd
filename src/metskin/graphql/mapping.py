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
from typing import Any, TypeVar, get_type_hints

import strawberry

T = TypeVar("T")

_MISSING = object()


def _read(source: object, name: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, _MISSING)
    return getattr(source, name, _MISSING)


def copy_fields(cls: type[T], *sources: object, **values: Any) -> T:
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    unknown = set(values) - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    for name in names:
        if name in values:
            continue
        for source in sources:
            value = _read(source, name)
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
