"""The answers officials made public on notices, newest first: what /feeds/answers.atom lists.

Only what the notice page shows (app.feedback.public_answers): the question as the official edited it
and the answer, on a public notice. Never the citizen's own words, contact or any other kind of item.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.public_answers import public_answer_conditions
from app.notices.models import Notice
from app.opendata.changes import FEED_LENGTH, PUBLIC_STATUSES


@dataclass(frozen=True)
class FeedAnswer:
    """A public answer as a feed shows it."""

    id: int
    question: str
    answer_html: str
    answered_at: datetime
    notice: Notice


def latest_public_answers(limit=FEED_LENGTH):
    """The `limit` newest public answers on public notices, newest first (two queries)."""
    rows = db.session.execute(
        select(Feedback.id, Feedback.notice_id, Feedback.public_question, Feedback.answer_html, Feedback.answered_at)
        .join(Notice, Notice.id == Feedback.notice_id)
        .where(*public_answer_conditions(), Notice.status.in_(PUBLIC_STATUSES))
        .order_by(Feedback.answered_at.desc(), Feedback.id.desc())
        .limit(limit)
    ).all()
    notice_ids = {row.notice_id for row in rows}
    notices = {}
    if notice_ids:
        query = select(Notice).options(joinedload(Notice.unit)).where(Notice.id.in_(notice_ids))
        notices = {notice.id: notice for notice in db.session.scalars(query)}
    return [
        FeedAnswer(row.id, row.public_question, row.answer_html, row.answered_at, notices[row.notice_id])
        for row in rows
    ]
