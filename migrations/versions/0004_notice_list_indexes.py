"""Covering indexes for the public notice lists and the per-commune counts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

The lists order by (posting_start DESC, id DESC) and filter by unit and category; with those
columns in the index a page is found without reading table rows, however deep. The counts of
current notices per commune read the posting period from the index too.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices") as batch_op:
        batch_op.drop_index("ix_notices_status_posting_start")
        batch_op.create_index(
            "ix_notices_status_posting_start", ["status", "posting_start", "id", "unit_id", "category"], unique=False
        )
        batch_op.drop_index("ix_notices_unit_status")
        batch_op.create_index(
            "ix_notices_unit_status", ["unit_id", "status", "posting_end", "posting_start"], unique=False
        )
        batch_op.drop_index("ix_notices_category_status")
        batch_op.create_index(
            "ix_notices_category_status", ["category", "status", "posting_start", "id", "unit_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("notices") as batch_op:
        batch_op.drop_index("ix_notices_category_status")
        batch_op.create_index("ix_notices_category_status", ["category", "status"], unique=False)
        batch_op.drop_index("ix_notices_unit_status")
        batch_op.create_index("ix_notices_unit_status", ["unit_id", "status"], unique=False)
        batch_op.drop_index("ix_notices_status_posting_start")
        batch_op.create_index("ix_notices_status_posting_start", ["status", "posting_start"], unique=False)
