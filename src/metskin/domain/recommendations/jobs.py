"""The job that rebuilds a person's current routine, and what makes one needed.

Other components queue it (a profile change in `accounts`) by name, so they import this small
module and nothing else of recommendations."""

from __future__ import annotations

REFRESH_ROUTINE = "refresh_routine"  # kwargs: user_id

# The profile's fields a routine is built from (`service.care_profile`, `needs_from_result`):
# a change to one of them rebuilds the current routine at once.
CARE_FIELDS = frozenset(
    {
        "birth_year",
        "pregnant",
        "breastfeeding",
        "concerns",
        "skin_type",
        "allergies",
        "prescribed",
        "budget_total",
        "budget_per_product",
        "currency",
    }
)
