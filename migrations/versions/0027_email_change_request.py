"""users.email_change_request: only the newest change of address moves the account

A change of address emails a link to the new address, valid for an hour. A person who mistyped
the new address and asked again with the right one left the first link working: the owner of
the mistyped mailbox could open it without logging in, move the account to their address and
take it with a password reset. The request id of the newest change is now kept on the user and
carried in its link; a link of an earlier request is refused (EMAIL_LINK_INVALID).

The upgrade adds the column, empty: a change link sent before it carries no request id and is
refused (they last an hour; the person asks again). The downgrade drops it.
"""

from alembic import op
from migration_helpers import text

revision = "0027"
down_revision = "0026"


def upgrade() -> None:
    op.add_column("users", text("email_change_request", 36, nullable=True))  # plain ALTER TABLE


def downgrade() -> None:
    op.drop_column("users", "email_change_request")
