"""consultations on notices, opinions, results, community decisions

A consultation ("lấy ý kiến Nhân dân") belongs to one notice; the end of its opinion period is the
notice's `opinion_end`, which stays where it is (one source of truth). Every notice that already has an
`opinion_end` gets a default consultation here: the question "Ý kiến của ông/bà về nội dung thông báo
này?", the choices agree / disagree / other, open to the whole commune from the first posting day
(or the end day, if earlier). Opinions (one per confirmed phone, its history in opinion_revisions),
one-time codes (hashes only), published results (frozen tallies and their SHA-256), community decisions
and the administrators' consultation rules get their tables.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:00:00.000000

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DEFAULT_QUESTION = "Ý kiến của ông/bà về nội dung thông báo này?"
DEFAULT_CHOICES = [
    {"key": "agree", "label": "Đồng ý"},
    {"key": "disagree", "label": "Không đồng ý"},
    {"key": "other", "label": "Ý kiến khác"},
]
BATCH = 5000


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("choice_set", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("villages", sa.JSON(), nullable=False),
        sa.Column("is_limited_to_villages", sa.Boolean(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_consultations_notice_id_notices")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_consultations_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_consultations_notice_id")),
    )
    op.create_table(
        "opinions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_sealed", sa.Text(), nullable=True),
        sa.Column("name_sealed", sa.Text(), nullable=True),
        sa.Column("village", sa.String(length=120), nullable=False),
        sa.Column("choice", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("comment_status", sa.String(length=12), nullable=False),
        sa.Column("public_comment", sa.Text(), nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=False),
        sa.Column("moderated_by_id", sa.Integer(), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultations.id"], name=op.f("fk_opinions_consultation_id_consultations")
        ),
        sa.ForeignKeyConstraint(["moderated_by_id"], ["users.id"], name=op.f("fk_opinions_moderated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinions")),
        sa.UniqueConstraint("consultation_id", "phone_hash", name=op.f("uq_opinions_consultation_id")),
    )
    # Covers the tallies (by choice, village and comment status): counted from the index alone.
    op.create_index(
        "ix_opinions_consultation_choice_village",
        "opinions",
        ["consultation_id", "choice", "village", "comment_status"],
    )
    op.create_index("ix_opinions_consultation_comment_status", "opinions", ["consultation_id", "comment_status"])
    op.create_table(
        "opinion_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=40), nullable=False),
        sa.Column("village", sa.String(length=120), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("name_sealed", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["opinion_id"], ["opinions.id"], name=op.f("fk_opinion_revisions_opinion_id_opinions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_revisions")),
    )
    op.create_index(op.f("ix_opinion_revisions_opinion_id"), "opinion_revisions", ["opinion_id"])
    op.create_table(
        "consultation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultations.id"], name=op.f("fk_consultation_codes_consultation_id_consultations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_codes")),
    )
    op.create_index("ix_consultation_codes_phone_created_at", "consultation_codes", ["phone_hash", "created_at"])
    op.create_index("ix_consultation_codes_address_created_at", "consultation_codes", ["address_hash", "created_at"])
    op.create_index("ix_consultation_codes_consultation_phone", "consultation_codes", ["consultation_id", "phone_hash"])
    op.create_table(
        "consultation_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("tallies", sa.JSON(), nullable=False),
        sa.Column("tallies_sha256", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_results_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_consultation_results_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_results")),
        sa.UniqueConstraint("consultation_id", "number", name=op.f("uq_consultation_results_consultation_id")),
    )
    op.create_index(op.f("ix_consultation_results_consultation_id"), "consultation_results", ["consultation_id"])
    op.create_table(
        "community_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("village", sa.String(length=120), nullable=False),
        sa.Column("matter", sa.String(length=500), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("form", sa.String(length=12), nullable=False),
        sa.Column("households_total", sa.Integer(), nullable=False),
        sa.Column("households_participating", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("threshold_percent", sa.Integer(), nullable=False),
        sa.Column("adopted_option", sa.String(length=40), nullable=True),
        sa.Column("is_adopted", sa.Boolean(), nullable=False),
        sa.Column("minutes_name", sa.String(length=255), nullable=False),
        sa.Column("minutes_stored_name", sa.String(length=80), nullable=False),
        sa.Column("minutes_media_type", sa.String(length=120), nullable=False),
        sa.Column("minutes_size", sa.Integer(), nullable=False),
        sa.Column("minutes_sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_community_decisions_notice_id_notices")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_community_decisions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_decisions")),
        sa.UniqueConstraint("minutes_stored_name", name=op.f("uq_community_decisions_minutes_stored_name")),
    )
    op.create_index(op.f("ix_community_decisions_notice_id"), "community_decisions", ["notice_id"])
    op.create_table(
        "consultation_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_consultation_rules_name")),
    )
    _migrate_opinion_ends()


def _migrate_opinion_ends():
    """A default consultation for every notice with an opinion-period end (its end stays on the notice)."""
    connection = op.get_bind()
    notices = sa.table(
        "notices",
        sa.column("id", sa.Integer()),
        sa.column("posting_start", sa.Date()),
        sa.column("opinion_end", sa.Date()),
    )
    consultations = sa.table(
        "consultations",
        sa.column("notice_id", sa.Integer()),
        sa.column("question", sa.String()),
        sa.column("choice_set", sa.String()),
        sa.column("choices", sa.JSON()),
        sa.column("starts_on", sa.Date()),
        sa.column("villages", sa.JSON()),
        sa.column("is_limited_to_villages", sa.Boolean()),
        sa.column("closing_reason", sa.Text()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    query = (
        sa.select(notices.c.id, notices.c.posting_start, notices.c.opinion_end)
        .where(notices.c.opinion_end.is_not(None))
        .order_by(notices.c.id)
    )
    rows = []
    for notice_id, posting_start, opinion_end in connection.execute(query):
        rows.append(
            {
                "notice_id": notice_id,
                "question": DEFAULT_QUESTION,
                "choice_set": "agree_disagree",
                "choices": DEFAULT_CHOICES,
                "starts_on": min(posting_start, opinion_end),
                "villages": [],
                "is_limited_to_villages": False,
                "closing_reason": "",
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(rows) >= BATCH:
            connection.execute(consultations.insert(), rows)
            rows = []
    if rows:
        connection.execute(consultations.insert(), rows)


def downgrade():
    # The notices keep their opinion_end: nothing of it moved, so nothing is lost going back.
    op.drop_table("consultation_rules")
    op.drop_index(op.f("ix_community_decisions_notice_id"), table_name="community_decisions")
    op.drop_table("community_decisions")
    op.drop_index(op.f("ix_consultation_results_consultation_id"), table_name="consultation_results")
    op.drop_table("consultation_results")
    op.drop_index("ix_consultation_codes_consultation_phone", table_name="consultation_codes")
    op.drop_index("ix_consultation_codes_address_created_at", table_name="consultation_codes")
    op.drop_index("ix_consultation_codes_phone_created_at", table_name="consultation_codes")
    op.drop_table("consultation_codes")
    op.drop_index(op.f("ix_opinion_revisions_opinion_id"), table_name="opinion_revisions")
    op.drop_table("opinion_revisions")
    op.drop_index("ix_opinions_consultation_comment_status", table_name="opinions")
    op.drop_index("ix_opinions_consultation_choice_village", table_name="opinions")
    op.drop_table("opinions")
    op.drop_table("consultations")
