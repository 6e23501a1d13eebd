"""Walk plain nested values (dicts, lists, tuples) without recursion, so depth cannot raise."""

from __future__ import annotations

from collections.abc import Iterator


def leaves(value: object, *, keys: bool = False) -> Iterator[object]:
    """Every value that is not a dict, list or tuple, at any depth (and dict keys if asked)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if keys:
                stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            yield item
