"""What of a citizen's question may reach the notice page: a redacted draft, and the check before publishing.

The official starts from a draft in which every phone number, e-mail, ID number and the sender's
name and address are replaced by "[đã ẩn]" (app.redaction), and may publish only when the question
they confirm holds none of these and the answer none of the sender's own details. Phone numbers of
the unit's own officers (the contact phones of its notices) may stay.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice
from app.redaction import KIND_LABELS, describe, find_personal_details, known_details_in, learn_details, redact


def unit_phones(item):
    """The phone numbers of the officers the unit prints on its notices (E.164): citizens may quote them."""
    unit_ids = {item.unit_id} | ({item.notice.unit_id} if item.notice is not None else set())
    phones = db.session.scalars(
        select(Notice.contact_phone).where(Notice.unit_id.in_(unit_ids), Notice.contact_phone != "").distinct()
    )
    return frozenset(phones)


def sender_details(item, allowed_phones=frozenset()):
    """What is known of the sender: the contact fields and the name, address, phones… their text states."""
    return learn_details(
        item.text,
        name=item.submitter_name,
        phone=item.submitter_phone,
        email=item.submitter_email,
        address=item.submitter_address,
        allowed_phones=allowed_phones,
    )


def public_draft(item):
    """The item's text with every personal detail replaced by "[đã ẩn]": a Redaction (text, matches)."""
    allowed = unit_phones(item)
    return redact(item.text, sender_details(item, allowed), allowed)


def draft_summary(matches):
    """What a draft hid, by kind and in the order of KIND_LABELS: "số điện thoại (3), email (1)"."""
    counts = {kind: sum(1 for match in matches if match.kind == kind) for kind in KIND_LABELS}
    return ", ".join(f"{label} ({counts[kind]})" for kind, label in KIND_LABELS.items() if counts[kind])


def publication_refusal(item, question, answer_text):
    """Why the question and answer may not be published yet (a Vietnamese message naming each match), or None."""
    allowed = unit_phones(item)
    known = sender_details(item, allowed)
    in_question = find_personal_details(question, known, allowed)
    in_answer = known_details_in(answer_text, known)
    if not in_question and not in_answer:
        return None
    parts = []
    if in_question:
        parts.append(_("Câu hỏi công khai còn chứa thông tin cá nhân: %(details)s.", details=describe(in_question)))
    if in_answer:
        parts.append(_("Câu trả lời còn chứa thông tin của người hỏi: %(details)s.", details=describe(in_answer)))
    parts.append(_("Hãy xóa hoặc thay bằng “[đã ẩn]” trước khi công khai."))
    return " ".join(parts)
