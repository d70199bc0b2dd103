"""open data: indexes the Atom feeds read newest first

The feeds list notices by their last change (a published version, a withdrawal) and the public answers by
the time they were answered, 50 at a time: each is a walk down one of these indexes instead of a sort of
every version, every withdrawn notice or every queue item.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 09:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.create_index("ix_notice_versions_created_at", ["created_at", "notice_id"], unique=False)
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_status_withdrawn_at", ["status", "withdrawn_at"], unique=False)
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_public_answered_at", ["is_public", "answered_at"], unique=False)


def downgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_public_answered_at")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_status_withdrawn_at")
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_versions_created_at")
