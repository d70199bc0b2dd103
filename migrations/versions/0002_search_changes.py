"""search change log: one row per change of a notice's public content

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_changes')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_changes_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_changes_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_changes_created_at'))
        batch_op.drop_index(batch_op.f('ix_search_changes_notice_id'))

    op.drop_table('search_changes')
