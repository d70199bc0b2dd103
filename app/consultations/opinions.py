"""Giving an opinion: one per confirmed phone per consultation, a later one replaces it, the history kept.

The whole opinion is checked before the code is spent (a typo in the choice does not cost a code), the
code is spent, then the phone's opinion is written: inserted the first time (inside a savepoint, so two
simultaneous first opinions of one phone end as one row, the later replacing the earlier), replaced after.
Every opinion given is also appended to opinion_revisions.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.consultations import identity
from app.consultations.models import UNKNOWN_VILLAGE, Opinion, OpinionRevision
from app.consultations.services import match_village
from app.consultations.verification import VerificationError, confirm_code
from app.errors import FieldError
from app.extensions import db

MAX_COMMENT_LENGTH = 2000
MAX_NAME_LENGTH = 120


class OpinionError(FieldError):
    """The opinion is refused: `message` in Vietnamese, `field` the field at fault, `status` for the API."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message, field)
        self.status = status


@dataclass(frozen=True)
class OpinionInput:
    """What the citizen sent, as text (the page and the API alike)."""

    phone: str
    code: str
    choice: str
    comment: str = ""
    name: str = ""
    village: str = ""


def closed_message(consultation):
    status = consultation.status()
    if status == "upcoming":
        return _(
            "Chưa đến thời gian lấy ý kiến (bắt đầu từ ngày %(date)s).",
            date=consultation.starts_on.strftime("%d/%m/%Y"),
        )
    return _("Đợt lấy ý kiến đã kết thúc; ý kiến gửi sau thời hạn không được tính.")


def check_open(consultation):
    if consultation.status() != "open":
        raise OpinionError(closed_message(consultation), status=409)


def checked_phone(text):
    try:
        return identity.mobile_e164(text)
    except identity.NotAMobile:
        raise OpinionError(
            _("Số điện thoại di động không hợp lệ (mã được gửi qua tin nhắn SMS), ví dụ 0912 345 678."), "phone"
        ) from None


def checked_fields(consultation, given):
    """(choice, village, comment, name) of a valid opinion, or OpinionError naming the first field at fault."""
    if given.choice not in consultation.choice_keys:
        raise OpinionError(_("Phương án không hợp lệ; hãy chọn một trong các phương án được nêu."), "choice")
    village = UNKNOWN_VILLAGE
    if (given.village or "").strip():
        village = match_village(consultation, given.village)
        if village is None:
            raise OpinionError(_("Thôn, tổ dân phố không có trong danh sách của đợt lấy ý kiến."), "village")
    elif consultation.is_limited_to_villages:
        raise OpinionError(_("Vui lòng chọn thôn, tổ dân phố nơi bạn sinh sống."), "village")
    comment = (given.comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise OpinionError(_("Ý kiến tối đa %(count)s ký tự.", count=MAX_COMMENT_LENGTH), "comment")
    name = " ".join((given.name or "").split())
    if len(name) > MAX_NAME_LENGTH:
        raise OpinionError(_("Họ tên tối đa %(count)s ký tự.", count=MAX_NAME_LENGTH), "name")
    return given.choice, village, comment, name


@dataclass(frozen=True)
class CheckedOpinion:
    """An opinion whose every field was found valid, ready to be recorded once its code is spent."""

    e164: str
    phone_digest: str
    choice: str
    village: str
    comment: str
    name: str


def checked_opinion(consultation, given):
    """The opinion checked against the consultation (open, a mobile number, a choice and village of its
    own, lengths), or OpinionError naming the first field at fault. Only reads: a caller may check it
    before it takes the database's write lock."""
    check_open(consultation)
    e164 = checked_phone(given.phone)
    choice, village, comment, name = checked_fields(consultation, given)
    return CheckedOpinion(e164, identity.phone_hash(e164), choice, village, comment, name)


def record_opinion(consultation, checked, code):
    """Spend the phone's code and write its opinion (see the module); return (opinion, created)."""
    try:
        confirm_code(consultation, checked.phone_digest, code)
    except VerificationError as error:
        raise OpinionError(error.message, "code", error.status) from None
    now = utcnow()
    values = {
        "choice": checked.choice,
        "village": checked.village,
        "comment": checked.comment,
        "comment_status": "pending" if checked.comment else "none",
        "public_comment": "",
        "hidden_reason": "",
        "moderated_by_id": None,
        "moderated_at": None,
        "name_sealed": identity.seal_text(checked.name),
        "phone_sealed": identity.seal_text(checked.e164),
        "updated_at": now,
    }
    opinion = _current(consultation.id, checked.phone_digest)
    created = opinion is None
    if created:
        opinion = Opinion(
            consultation_id=consultation.id, phone_hash=checked.phone_digest, created_at=now, revisions=1, **values
        )
        try:
            with db.session.begin_nested():
                db.session.add(opinion)
        except IntegrityError:  # the same phone's first opinion, a moment earlier: replace it
            opinion, created = _current(consultation.id, checked.phone_digest), False
    if not created:
        for name_, value in values.items():
            setattr(opinion, name_, value)
        opinion.revisions = (opinion.revisions or 1) + 1
    db.session.flush()
    db.session.add(
        OpinionRevision(
            opinion_id=opinion.id,
            choice=checked.choice,
            village=checked.village,
            comment=checked.comment,
            name_sealed=values["name_sealed"],
            created_at=now,
        )
    )
    db.session.flush()
    return opinion, created


def _current(consultation_id, phone_digest):
    return db.session.scalar(
        select(Opinion).where(Opinion.consultation_id == consultation_id, Opinion.phone_hash == phone_digest)
    )
