"""Comments are public only after an official approves them; approving runs the personal-data check.

The check is the one a public answer of the queue goes through (app.redaction, in the core): the official
starts from a draft in which every phone number, e-mail, ID number and the writer's name and address are
replaced by "[đã ẩn]", and may approve only a text in which the check finds none of them. The phone
numbers of the unit's officers (its notices' contact phones) may stay. A hidden comment keeps its vote.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import utcnow
from app.consultations.identity import unseal_text
from app.consultations.models import Opinion
from app.extensions import db
from app.ledger.chain import record
from app.notices.models import Notice
from app.redaction import describe, find_personal_details, learn_details, redact


class ModerationError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def unit_phones(consultation):
    """The officers' phones the unit prints on its notices (E.164): a comment may quote them."""
    unit_id = consultation.notice.unit_id
    phones = db.session.scalars(
        select(Notice.contact_phone).where(Notice.unit_id == unit_id, Notice.contact_phone != "").distinct()
    )
    return frozenset(phones)


def writer_details(opinion, allowed_phones=frozenset()):
    """What is known of the writer: the name and phone they gave, and what their comment states."""
    return learn_details(
        opinion.comment,
        name=unseal_text(opinion.name_sealed),
        phone=unseal_text(opinion.phone_sealed),
        allowed_phones=allowed_phones,
    )


def public_draft(opinion):
    """The comment with every personal detail replaced by "[đã ẩn]": a Redaction (text, matches)."""
    allowed = unit_phones(opinion.consultation)
    return redact(opinion.comment, writer_details(opinion, allowed), allowed)


def refusal(opinion, text):
    """Why `text` may not be published as the comment (a Vietnamese message naming each detail), or None."""
    allowed = unit_phones(opinion.consultation)
    found = find_personal_details(text, writer_details(opinion, allowed), allowed)
    if not found:
        return None
    return _(
        "Nội dung còn chứa thông tin cá nhân: %(details)s. Hãy xóa hoặc thay bằng “[đã ẩn]” trước khi công khai.",
        details=describe(found),
    )


def approve_comment(opinion, text, actor):
    """Publish the comment as `text` (checked); raise ModerationError if it still holds personal details."""
    if opinion.comment_status == "none":
        raise ModerationError(_("Ý kiến này không có nội dung góp ý để công khai."))
    text = (text or "").strip()
    message = refusal(opinion, text)
    if message:
        raise ModerationError(message)
    opinion.comment_status, opinion.public_comment, opinion.hidden_reason = "approved", text, ""
    opinion.moderated_by_id, opinion.moderated_at = actor.id if actor else None, utcnow()
    db.session.flush()
    record("opinion.comment_approved", opinion, "", {"consultation": opinion.consultation_id}, actor)
    return opinion


def hide_comment(opinion, reason, actor):
    """Keep the comment off the public page with a reason; the opinion still counts."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Vui lòng nêu lý do ẩn ý kiến."))
    if opinion.comment_status == "none":
        raise ModerationError(_("Ý kiến này không có nội dung góp ý để ẩn."))
    opinion.comment_status, opinion.public_comment, opinion.hidden_reason = "hidden", "", reason
    opinion.moderated_by_id, opinion.moderated_at = actor.id if actor else None, utcnow()
    db.session.flush()
    record("opinion.comment_hidden", opinion, reason, {"consultation": opinion.consultation_id}, actor)
    return opinion


def comments_query(consultation, status=None):
    """The consultation's opinions with a comment, pending first, newest first."""
    query = select(Opinion).where(Opinion.consultation_id == consultation.id, Opinion.comment_status != "none")
    if status:
        query = query.where(Opinion.comment_status == status)
    return query.order_by((Opinion.comment_status != "pending"), Opinion.updated_at.desc(), Opinion.id.desc())


def approved_comments(consultation, limit=50):
    """The approved comments for the notice page: [(choice key, public text, when)] newest first."""
    query = (
        select(Opinion.choice, Opinion.public_comment, Opinion.moderated_at)
        .where(Opinion.consultation_id == consultation.id, Opinion.comment_status == "approved")
        .order_by(Opinion.moderated_at.desc(), Opinion.id.desc())
        .limit(limit)
    )
    return db.session.execute(query).all()
