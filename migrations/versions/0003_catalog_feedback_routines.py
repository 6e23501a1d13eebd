"""catalog feedback routines

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate emits sqlmodel.sql.sqltypes.AutoString)
from alembic import op

import metskin.adapters.db.types  # noqa: F401


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('catalog_meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    op.create_table('ingredients',
    sa.Column('inci_key', sqlmodel.sql.sqltypes.AutoString(length=191), nullable=False),
    sa.Column('inci_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('inci_key'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    op.create_table('products',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('brand', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('slot', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('pregnancy_safe', sa.Boolean(), nullable=False),
    sa.Column('fragrance_free', sa.Boolean(), nullable=False),
    sa.Column('non_comedogenic', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_brand'), ['brand'], unique=False)
        batch_op.create_index('ix_products_slot_price', ['slot', 'active', 'price_cents'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('created_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_product', ['product_id'], unique=False)
        batch_op.create_index('ix_feedback_user_product', ['user_id', 'product_id'], unique=False)

    op.create_table('product_concerns',
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('concern', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'concern'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('product_concerns', schema=None) as batch_op:
        batch_op.create_index('ix_product_concerns_concern', ['concern', 'product_id'], unique=False)

    op.create_table('product_ingredients',
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('inci_key', sqlmodel.sql.sqltypes.AutoString(length=191), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'inci_key'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('product_ingredients', schema=None) as batch_op:
        batch_op.create_index('ix_product_ingredients_inci', ['inci_key', 'product_id'], unique=False)

    op.create_table('product_skin_types',
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('skin_type', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'skin_type'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('product_skin_types', schema=None) as batch_op:
        batch_op.create_index('ix_product_skin_types_type', ['skin_type', 'product_id'], unique=False)

    op.create_table('routines',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('analysis_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('profile_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('model_version', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('routine', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['analyses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('analysis_id', 'profile_hash', name='uq_routines_analysis_profile'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('routines', schema=None) as batch_op:
        batch_op.create_index('ix_routines_user_created', ['user_id', 'created_at', 'id'], unique=False)



def downgrade() -> None:
    for table in ("routines", "feedback", "product_ingredients", "product_skin_types",
                  "product_concerns", "catalog_meta", "products", "ingredients"):
        op.drop_table(table)
