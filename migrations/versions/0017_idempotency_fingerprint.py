"""the fingerprint of what came with an idempotency key: the same key with another submission is refused

`feedback.idempotency_fingerprint`, an HMAC-SHA256 (keyed by the idempotency key) of the submission's
content. Null for the items received before: a key sent again for one of them is answered as before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_fingerprint", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("idempotency_fingerprint")
