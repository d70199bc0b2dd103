"""sealed photos: a denunciation's photos are sealed to the same key as its identity

`feedback_photos.sealed_key_fingerprint` names the unit key that opens a photo whose file holds only an
X25519 sealed box (its `size` and `sha256` are then the box's); NULL for a photo stored as the image
itself. Denunciations' photos stored in clear before this revision are sealed, and their clear files
removed, by `flask identity seal` (`flask identity check` reports them until then).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback_photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_key_fingerprint", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("feedback_photos", schema=None) as batch_op:
        batch_op.drop_column("sealed_key_fingerprint")
