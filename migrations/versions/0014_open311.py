"""open311: API keys of the systems that post through Open311 GeoReport v2, and where each request came from

`api_keys` holds each key as the SHA-256 of its text (the text is shown once, when made), the unit it may
post for (NULL: any), when it was made, revoked and last used. `open311_submissions` ties a queue item to
the key that posted it and to the point (lat, long) the client gave; a row only for items that came by
Open311, so the feedback table stays as it is.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["administrative_units.id"], name=op.f("fk_api_keys_unit_id_administrative_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "open311_submissions",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.id"], name=op.f("fk_open311_submissions_feedback_id_feedback")),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_keys.id"], name=op.f("fk_open311_submissions_api_key_id_api_keys")),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_open311_submissions")),
    )
    with op.batch_alter_table("open311_submissions", schema=None) as batch_op:
        batch_op.create_index("ix_open311_submissions_api_key_id", ["api_key_id"], unique=False)
    # GET /open311/v2/requests?service_code=…: one kind's items in a window, newest first.
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_kind_received_at", ["kind", "received_at"], unique=False)


def downgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_kind_received_at")
    op.drop_table("open311_submissions")
    op.drop_table("api_keys")
