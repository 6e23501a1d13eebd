"""The job that rebuilds a person's current routine, and what makes one needed.

Other components queue it (a profile change in `accounts`) or ask for it (a photo deleted in
`privacy`) by name, so they import this small
module and nothing else of recommendations."""

from __future__ import annotations

REFRESH_ROUTINE = "refresh_routine"  # kwargs: user_id, why
REFRESH_ROUTINES_WITH = "refresh_routines_with"  # kwargs: product_id (taken off sale)

# Why a routine was built again, told with the change (`details.why` of ROUTINE_CHANGED).
WHY_PROFILE = "PROFILE"  # the person changed what it is built from
WHY_RATING = "RATING"  # a product they turned down, or took that back
WHY_NO_LONGER_SOLD = "NO_LONGER_SOLD"  # a product in it was taken off sale
WHY_PHOTO_DELETED = "PHOTO_DELETED"  # the photo of the routine followed was deleted
WHY_NEW_PHOTO = "NEW_PHOTO"  # the routine of a newer photo (its result) took over
# the routine of a new photo, saved at its RECOMMENDING stage, was taken back: the run failed
WHY_ANALYSIS_FAILED = "ANALYSIS_FAILED"

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
