"""inbox: the patient's in-app notifications, once per (person, key)"""

from migration_helpers import at, create_table, drop_tables, json, serial_id, text, uid

revision = "0011"
down_revision = "0010"
TABLE = "notifications"


def upgrade() -> None:
    person, key = uid("user_id"), text("key", 120)
    kind, payload = text("kind", 24), json("payload")
    create_table(
        TABLE,
        serial_id(),
        person,
        kind,
        key,
        payload,
        at("at"),
        at("read_at", nullable=True),
        references={"user_id": "users.id"},
        unique={"uq_notifications_user_key": ["user_id", "key"]},
        indexes={"ix_notifications_user_id": ["user_id", "id"]},
    )


def downgrade() -> None:
    drop_tables(TABLE)
