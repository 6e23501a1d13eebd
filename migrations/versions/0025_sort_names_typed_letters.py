"""users.sort_name again: letters without a decomposition read as the letters people type

`accounts.model.sort_name` folds a name for ordering and searching. Letters that are not a
letter with a mark ("ø", "ł", "æ", "đ", "þ") stayed as they were, so "Łukasz" and "Ørsted"
sorted after "Zoe" in a dermatologist's patients and an administrator's accounts, and a search
for "soren" or "lukasz" did not find them. The fold now reads them as "o", "l", "ae", "d",
"th" (`domain.i18n.letters`); the upgrade computes every user's key again with it. Nothing
else changes; the downgrade leaves the keys as they are (the old order reads them as before,
only their place among the others differs).
"""

from migration_helpers import refill_sort_names

revision = "0025"
down_revision = "0024"


def upgrade() -> None:
    refill_sort_names()


def downgrade() -> None:
    pass
