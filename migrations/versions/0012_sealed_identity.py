"""sealed identities: units' public keys, sealed identity boxes, CCCD numbers

Units register X25519 public keys (unit_keys; several per unit, the newest not retired seals). A
denunciation keeps its identity as a sealed box (base64) with the fingerprint of the key that opens it;
every item may carry a CCCD number (`submitter_id_number`, "" for existing rows). Denunciations stored
in clear before this revision are sealed by `flask identity seal` once the keys exist (production does
not start until they are: `flask identity check`).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'],
                                name=op.f('fk_unit_keys_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_keys')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_unit_keys_fingerprint')),
    )
    op.create_index(op.f('ix_unit_keys_unit_id'), 'unit_keys', ['unit_id'])

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitter_id_number', sa.String(length=12), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sealed_identity', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sealed_key_fingerprint', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_column('sealed_key_fingerprint')
        batch_op.drop_column('sealed_identity')
        batch_op.drop_column('submitter_id_number')

    op.drop_index(op.f('ix_unit_keys_unit_id'), table_name='unit_keys')
    op.drop_table('unit_keys')
