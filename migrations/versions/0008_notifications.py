"""notifications: the outbox, how items arrive, how citizens and officials are told, followers

Queue items gain their channel (web, api, phone, walk_in, mail, open311; existing rows are "web") and
where the citizen asked to be told of progress (a channel and an encrypted address, kept apart from the
identity). Users choose how they are told (email, sms, none). The outbox holds one row per message,
its recipient and personal part encrypted. Followers follow a notice or a unit by e-mail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=12), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('notify_channel', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('notify_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('notify_stopped_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_feedback_channel_received_at', ['channel', 'received_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_by', sa.String(length=10), server_default='email', nullable=False))

    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('fallback_channel', sa.String(length=10), nullable=True),
        sa.Column('template', sa.String(length=60), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('recipient', sa.Text(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('private', sa.Text(), nullable=True),
        sa.Column('subject', sa.String(length=60), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('dedupe_key', sa.String(length=160), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_channel', sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'],
                                name=op.f('fk_notifications_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key')),
    )
    op.create_index('ix_notifications_status_next_attempt_at', 'notifications', ['status', 'next_attempt_at'])
    op.create_index('ix_notifications_unit_created_at', 'notifications', ['unit_id', 'created_at'])
    op.create_index(op.f('ix_notifications_subject'), 'notifications', ['subject'])

    op.create_table(
        'followers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.Text(), nullable=True),
        sa.Column('email_hash', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=40), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_followers_notice_id_notices')),
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'],
                                name=op.f('fk_followers_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_followers')),
        sa.UniqueConstraint('email_hash', 'target', name=op.f('uq_followers_email_hash')),
    )
    op.create_index(op.f('ix_followers_target'), 'followers', ['target'])


def downgrade():
    op.drop_index(op.f('ix_followers_target'), table_name='followers')
    op.drop_table('followers')
    op.drop_index(op.f('ix_notifications_subject'), table_name='notifications')
    op.drop_index('ix_notifications_unit_created_at', table_name='notifications')
    op.drop_index('ix_notifications_status_next_attempt_at', table_name='notifications')
    op.drop_table('notifications')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_by')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_channel_received_at')
        batch_op.drop_column('notify_stopped_at')
        batch_op.drop_column('notify_address')
        batch_op.drop_column('notify_channel')
        batch_op.drop_column('channel')
