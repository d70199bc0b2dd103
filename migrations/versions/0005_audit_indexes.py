"""audit figures: feedback indexes on (unit_id, received_at) and (forwarded_from_id, received_at)

Every audit figure selects the items a unit (or its communes) received in a period; the items a unit
forwarded to another are found by forwarded_from_id in a period. Both become index range scans
instead of a scan of the unit's items (or of the whole period, for forwarded items).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 15:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_unit_received_at', ['unit_id', 'received_at'], unique=False)
        batch_op.create_index(
            'ix_feedback_forwarded_from_received_at', ['forwarded_from_id', 'received_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_forwarded_from_received_at')
        batch_op.drop_index('ix_feedback_unit_received_at')
