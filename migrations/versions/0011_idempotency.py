"""idempotency keys of citizens' submissions

A submission may carry a key (the API's Idempotency-Key header, the form's hidden one-time token); the
item keeps the SHA-256 of it, unique, so a retried or double-clicked submission finds the first item.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_feedback_idempotency_key'), ['idempotency_key'])


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_feedback_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_key')
