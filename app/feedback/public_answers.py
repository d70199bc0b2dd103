"""Answers shown on a notice page: which items may have one, what is shown, and what must never be.

The public sees only what an official chose to publish (an edited question and the answer), never the
citizen's own words or contact details; app.feedback.publication checks them before they are published.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.feedback.models import Feedback


def can_answer_publicly(item):
    """Only a question about a notice can have its answer shown on the notice."""
    return item.kind == "question" and item.notice_id is not None


def public_answer_conditions():
    """The conditions of an answer the public may read: the notice page, the API and the Atom feed use the same."""
    return (
        Feedback.kind == "question",
        Feedback.notice_id.is_not(None),
        Feedback.is_public.is_(True),
        Feedback.answered_at.is_not(None),
        Feedback.public_question != "",
        Feedback.answer_html != "",
    )


@dataclass(frozen=True)
class PublicAnswer:
    """A question on a notice and its answer, as the public sees them: the official's edited question only."""

    question: str
    answer_html: str  # sanitised by the reply service
    answered_at: datetime


def public_answers(notices):
    """Return {notice id: [PublicAnswer, newest first]} for `notices`, in one query.

    Never the citizen's own words or contact: only what an official chose to publish.
    """
    ids = [notice.id for notice in notices]
    answers = {notice_id: [] for notice_id in ids}
    if not ids:
        return answers
    rows = db.session.execute(
        select(Feedback.notice_id, Feedback.public_question, Feedback.answer_html, Feedback.answered_at)
        .where(Feedback.notice_id.in_(ids), *public_answer_conditions())
        .order_by(Feedback.answered_at.desc(), Feedback.id.desc())
    )
    for notice_id, question, answer_html, answered_at in rows:
        answers[notice_id].append(PublicAnswer(question, answer_html, answered_at))
    return answers
