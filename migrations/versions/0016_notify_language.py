"""the citizen's language: every message about their item is written in the language they sent it in

`feedback.notify_language` ("vi" or "en"; "vi" for the items received before, whose messages after the
receipt were in Vietnamese).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 08:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notify_language", sa.String(length=8), server_default="vi", nullable=False))


def downgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("notify_language")
