"""exchange rates: dated rates per euro that an admin sets; every entry kept

The packaged file `data/money/exchange_rates.json` is the table before any entry; an entry for
a currency with a later (or the same) date replaces it.
"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, serial_id, text, uid

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    create_table(
        "exchange_rates",
        serial_id(),
        text("currency", 3),
        text("per_eur", 32),
        column("as_of", sa.Date()),
        uid("set_by"),
        text("note", 200),
        at("created_at"),
        indexes={"ix_exchange_rates_currency_as_of": ["currency", "as_of"]},
    )


def downgrade() -> None:
    drop_tables("exchange_rates")
