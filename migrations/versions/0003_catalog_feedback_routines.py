"""catalog feedback routines"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, flag, json, text, uid

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_table("catalog_meta", text("key", 40), column("value", sa.Integer()), key=["key"])
    create_table(
        "ingredients",
        text("inci_key", 191),
        text("inci_name", 200),
        json("data"),
        key=["inci_key"],
    )
    create_table(
        "products",
        text("id", 100),
        text("brand", 100),
        text("name", 200),
        text("slot", 20),
        column("price_cents", sa.Integer()),
        text("currency", 3),
        flag("pregnancy_safe"),
        flag("fragrance_free"),
        flag("non_comedogenic"),
        flag("active"),
        text("search_text", 4000),
        json("data"),
        at("updated_at"),
        indexes={
            "ix_products_brand": ["brand"],
            "ix_products_slot_price": ["slot", "active", "price_cents"],
        },
    )
    create_table(
        "feedback",
        column("id", sa.Integer()),
        uid("user_id"),
        text("product_id", 100),
        column("rating", sa.SmallInteger()),
        text("outcome", 16, nullable=True),
        at("created_at"),
        references={"product_id": "products.id", "user_id": "users.id"},
        indexes={
            "ix_feedback_product": ["product_id"],
            "ix_feedback_user_product": ["user_id", "product_id"],
        },
    )
    # A product's concerns, ingredients and skin types: one row per (product, value).
    for table, value, index in (
        ("product_concerns", text("concern", 20), "ix_product_concerns_concern"),
        ("product_ingredients", text("inci_key", 191), "ix_product_ingredients_inci"),
        ("product_skin_types", text("skin_type", 12), "ix_product_skin_types_type"),
    ):
        create_table(
            table,
            text("product_id", 100),
            value,
            key=["product_id", value.name],
            references={"product_id": "products.id"},
            indexes={index: [value.name, "product_id"]},
        )
    create_table(
        "routines",
        uid("id"),
        uid("user_id"),
        uid("analysis_id"),
        text("profile_hash", 64),
        text("model_version", 80),
        at("created_at"),
        json("routine"),
        references={"analysis_id": "analyses.id", "user_id": "users.id"},
        unique={"uq_routines_analysis_profile": ["analysis_id", "profile_hash"]},
        indexes={"ix_routines_user_created": ["user_id", "created_at", "id"]},
    )


def downgrade() -> None:
    drop_tables(
        "routines",
        "feedback",
        "product_ingredients",
        "product_skin_types",
        "product_concerns",
        "catalog_meta",
        "products",
        "ingredients",
    )
