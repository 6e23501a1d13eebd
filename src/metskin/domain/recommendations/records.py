"""Reading catalog records (the packaged JSON, or what an admin saves): every field of the type
and in the range it must have, or a `RecordProblem` that names the field.

A string where a list belongs is refused, never read as its characters (a retinoid saved with
"classes": "retinoid" would otherwise lose its safety rules), and numbers must be finite.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.money.model import plain_amount

LONGEST_TEXT = 2_000  # a usage text or a warning
LONGEST_NAME = {"id": 100, "brand": 100, "name": 200, "inci_name": 190, "size": 50}


class RecordProblem(ValueError):
    """A catalog record that cannot be used; `field` is the first field at fault."""

    def __init__(self, message: str, field: str = "input") -> None:
        super().__init__(message)
        self.field = field


def text(item: Mapping[str, Any], name: str, *, required: bool = True, at: str = "") -> str:
    """A string field (`at`: where the record sits, such as "usage.")."""
    value = item.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise RecordProblem(f"{at}{name} must be a text", at + name)
    longest = LONGEST_NAME.get(name, LONGEST_TEXT)
    if len(value) > longest:
        raise RecordProblem(f"{at}{name} must be at most {longest} characters", at + name)
    return value


def texts(item: Mapping[str, Any], name: str, *, at: str = "") -> tuple[str, ...]:
    """A list of strings; missing is empty."""
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordProblem(f"{at}{name} must be a list of texts", at + name)
    if any(len(v) > LONGEST_TEXT for v in value):
        raise RecordProblem(f"{at}{name} has a text over {LONGEST_TEXT} characters", at + name)
    return tuple(value)


def table(item: Mapping[str, Any], name: str) -> dict[str, Any]:
    """An object (JSON dict) field with text keys; missing is empty."""
    value = item.get(name, {})
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise RecordProblem(f"{name} must be an object with text keys", name)
    return dict(value)


def number(value: object, name: str, low: float, high: float) -> float:
    """A finite JSON number in [low, high] (a bool is not a number)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise RecordProblem(f"{name} must be a number from {low:g} to {high:g}", name)
    return float(value)


def whole(value: object, name: str, low: int, high: int) -> int:
    """A whole JSON number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecordProblem(f"{name} must be a whole number from {low} to {high}", name)
    return value


def flag(item: Mapping[str, Any], name: str) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise RecordProblem(f"{name} must be true or false", name)
    return value


def price(value: object) -> Decimal:
    """A plain, finite, non-negative amount, written as text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordProblem('price must be an amount, like "12.50"', "price")
    try:
        return plain_amount(str(value).strip(), "price")
    except ValidationFailed as error:
        raise RecordProblem(error.message, "price") from None


def key_actives_of(raw: object) -> list[tuple[str, float | None]]:
    """[[INCI name, percent or null], ...]."""
    if not isinstance(raw, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) for pair in raw
    ):
        raise RecordProblem(
            "key_actives must be a list of [INCI name, percent or null]", "key_actives"
        )
    return [
        (name, None if percent is None else number(percent, f"key_actives.{name}", 0, 100))
        for name, percent in raw
    ]


def tint_of(raw: object) -> tuple[int, int] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise RecordProblem("tint_monk_range must be two Monk tones, low first", "tint_monk_range")
    return (whole(raw[0], "tint_monk_range", 1, 10), whole(raw[1], "tint_monk_range", 1, 10))


# A record without `per_day` (written before it existed) is read from its frequency text.
ONCE_A_DAY_WORDS = ("once a day", "once daily", " week", "every other", "every third", " or ")
TWICE_A_DAY_WORDS = ("twice", "morning and evening", "and evening")


def per_day_from(when: str, frequency: str) -> int:
    words = f" {frequency.casefold()} "
    if when != "both":
        return 1
    if any(word in words for word in TWICE_A_DAY_WORDS):
        return 2
    return 1 if any(word in words for word in ONCE_A_DAY_WORDS) else 2


def unknown(what: str, values: Any, allowed: Any) -> list[str]:
    return [f"unknown {what} {value!r}" for value in values if value not in allowed]
