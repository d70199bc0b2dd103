"""rollups: the audit figures of each unit and month (queue: also kind and official), kept up to date

A province's report adds up these rows instead of reading every queue item and notice
(app/inspection/rollups.py); queue_rollup_totals holds the hour histograms of each unit's whole subtree.
The tables start empty: the first report (or `flask audit refresh`) computes them from the items.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COUNTERS = (
    'received',
    'acknowledge_due',
    'acknowledged_on_time',
    'answer_due',
    'answered_on_time',
    'answered',
    'open_now',
    'overdue_now',
)
MORE_COUNTERS = ('settled', 'reopened', 'rating_total', 'rating_count', 'forwarded_in', 'forwarded_out')
NOTICE_COUNTERS = (
    'posted',
    'with_issue_date',
    'posted_within_limit',
    'posting_long_enough',
    'corrections',
    'withdrawals',
)
HISTOGRAMS = ('first_response_days', 'answer_days', 'first_response_hours', 'answer_hours', 'settled_months')


def upgrade():
    op.create_table(
        'queue_rollups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('official_id', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS],
        sa.Column('overdue_deadline_total', sa.BigInteger(), nullable=False),
        sa.Column('overdue_deadline_min', sa.Integer(), nullable=True),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in MORE_COUNTERS],
        *[sa.Column(name, sa.Text(), nullable=False) for name in HISTOGRAMS],
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'], name=op.f('fk_queue_rollups_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_rollups')),
        sa.UniqueConstraint('unit_id', 'month', 'kind', 'official_id', name=op.f('uq_queue_rollups_unit_id')),
    )
    op.create_table(
        'queue_rollup_totals',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('first_response_hours', sa.Text(), nullable=False),
        sa.Column('answer_hours', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'], name=op.f('fk_queue_rollup_totals_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('unit_id', 'month', 'kind', name=op.f('pk_queue_rollup_totals')),
    )
    op.create_table(
        'notice_rollups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in NOTICE_COUNTERS],
        sa.Column('delay_days', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'], name=op.f('fk_notice_rollups_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_rollups')),
        sa.UniqueConstraint('unit_id', 'month', name=op.f('uq_notice_rollups_unit_id')),
    )
    op.create_table(
        'rollup_months',
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('calendar', sa.String(length=64), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['administrative_units.id'], name=op.f('fk_rollup_months_unit_id_administrative_units')),
        sa.PrimaryKeyConstraint('source', 'unit_id', 'month', name=op.f('pk_rollup_months')),
    )
    op.create_table(
        'rollup_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_changes')),
    )


def downgrade():
    op.drop_table('rollup_changes')
    op.drop_table('rollup_months')
    op.drop_table('notice_rollups')
    op.drop_table('queue_rollup_totals')
    op.drop_table('queue_rollups')
