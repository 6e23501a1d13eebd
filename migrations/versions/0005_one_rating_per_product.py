"""one rating per person and product

Rating a product again replaces the earlier rating, so the ranker trains on one rating per
person and product. Existing duplicates are removed first, keeping the latest of each pair
(newest created_at, then highest id). The same statements run on SQLite and MariaDB (the
derived table lets MariaDB delete from the table it reads).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

DELETE_OLDER_DUPLICATES = sa.text(
    """
    DELETE FROM feedback WHERE id IN (
      SELECT id FROM (
        SELECT older.id AS id FROM feedback older JOIN feedback newer
          ON newer.user_id = older.user_id AND newer.product_id = older.product_id
         AND (newer.created_at > older.created_at
              OR (newer.created_at = older.created_at AND newer.id > older.id))
      ) AS superseded
    )
    """
)


def upgrade() -> None:
    op.execute(DELETE_OLDER_DUPLICATES)
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        # the unique key first: on MariaDB it takes over the old index's job for the
        # user_id foreign key, so the old index can go
        batch_op.create_unique_constraint('uq_feedback_user_product', ['user_id', 'product_id'])
        batch_op.drop_index('ix_feedback_user_product')


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_user_product', ['user_id', 'product_id'], unique=False)
        batch_op.drop_constraint('uq_feedback_user_product', type_='unique')
