"""How the queue shows on the notices layer's pages; connected by the app factory at start-up."""

from app.feedback.public_answers import public_answers
from app.notices.page_parts import add_notice_part


def _answered_questions(notice):
    return {"public_questions": public_answers([notice])[notice.id]}


def register_feedback_hooks(app):
    """A notice page lists the questions about it that were answered publicly."""
    add_notice_part(_answered_questions)
