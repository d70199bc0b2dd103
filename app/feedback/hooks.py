"""How the queue shows on the notices layer's pages; connected by the app factory at start-up."""

from app import workdays
from app.feedback.calendar import override_days
from app.feedback.notifications import register_notification_templates
from app.feedback.public_answers import public_answers
from app.notices.page_parts import add_notice_part


def _answered_questions(notice):
    return {"public_questions": public_answers([notice])[notice.id]}


def register_feedback_hooks(app):
    """A notice page lists the questions about it that were answered publicly; the administrators' holiday
    overrides, kept here, count in every layer's working days (app.workdays)."""
    add_notice_part(_answered_questions)
    register_notification_templates()
    workdays.use_overrides(override_days)
