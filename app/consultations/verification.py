"""One-time codes that confirm a citizen's phone: sent by SMS through the outbox, valid 10 minutes.

Only a keyed hash of each code is stored. Codes are counted in the database, so the limits hold across
every app node: per phone (whatever the consultation) and per client address (when rate limits are on,
as in production; a benchmark from one address turns them off with RATELIMIT_ENABLED=false).
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.clock import utcnow
from app.consultations import identity
from app.consultations.messages import CODE_TEMPLATE
from app.consultations.models import VerificationCode
from app.errors import FieldError
from app.extensions import db
from app.outbox.queue import notify

CODE_VALIDITY = timedelta(minutes=10)
MAX_ATTEMPTS = 5  # wrong tries of one code before it is spent
WINDOW = timedelta(hours=1)
DEFAULT_CODES_PER_PHONE = 5  # per hour
DEFAULT_CODES_PER_ADDRESS = 30  # per hour
CHECKED_CODES = 5  # the newest codes of a phone a typed code is compared with


class VerificationError(FieldError):
    """A code could not be sent or did not confirm the phone; `message` in Vietnamese, `status` for the API."""

    def __init__(self, message, status=422, field="code"):
        super().__init__(message, field)
        self.status = status


def _limit(name, default):
    return int(current_app.config.get(name, default))


def _recent(column, value, now):
    return db.session.scalar(select(func.count()).where(column == value, VerificationCode.created_at >= now - WINDOW))


def send_code(consultation, e164, address):
    """Write a code for (consultation, phone) and its SMS; raise VerificationError when a limit is reached."""
    now = utcnow()
    phone_digest = identity.phone_hash(e164)
    address_digest = identity.address_hash(address)
    if _recent(VerificationCode.phone_hash, phone_digest, now) >= _limit(
        "CONSULTATION_CODES_PER_PHONE", DEFAULT_CODES_PER_PHONE
    ):
        raise VerificationError(
            _("Số điện thoại này đã nhận quá nhiều mã trong một giờ; vui lòng thử lại sau."), 429, "phone"
        )
    if current_app.config.get("RATELIMIT_ENABLED", True) and _recent(
        VerificationCode.address_hash, address_digest, now
    ) >= _limit("CONSULTATION_CODES_PER_ADDRESS", DEFAULT_CODES_PER_ADDRESS):
        raise VerificationError(_("Có quá nhiều yêu cầu gửi mã từ mạng của bạn; vui lòng thử lại sau."), 429, "phone")
    code = identity.new_code()
    row = VerificationCode(
        consultation_id=consultation.id,
        phone_hash=phone_digest,
        address_hash=address_digest,
        code_hash=identity.code_hash(consultation.id, phone_digest, code),
        attempts=0,
        created_at=now,
        expires_at=now + CODE_VALIDITY,
    )
    db.session.add(row)
    db.session.flush()
    notify(
        channel="sms",
        recipient=e164,
        template=CODE_TEMPLATE,
        payload={"consultation": consultation.id, "notice": consultation.notice_id, "code_id": row.id},
        private={"code": code},
        subject=f"consultation:{consultation.id}",
        unit_id=consultation.notice.unit_id,
    )
    return row


def confirm_code(consultation, phone_digest, code):
    """Spend the code typed for this phone (one UPDATE when it is right), or raise VerificationError (wrong,
    expired, too many tries: read only then, to say which).

    A wrong try is counted on the newest live code even though the request fails: the caller commits it.
    """
    now = utcnow()
    code = (code or "").strip()
    if code.isascii() and code.isdigit() and len(code) == identity.CODE_DIGITS:
        if _spend(consultation.id, phone_digest, code, now):
            return
    rows = db.session.scalars(_newest_unused(consultation.id, phone_digest)).all()
    live = [row for row in rows if row.expires_at > now and row.attempts < MAX_ATTEMPTS]
    if not live:
        if rows and all(row.expires_at <= now for row in rows):
            raise VerificationError(_("Mã xác nhận đã hết hạn (mã có hiệu lực 10 phút); hãy bấm gửi lại mã mới."))
        if rows:
            raise VerificationError(_("Đã nhập sai mã quá nhiều lần; hãy bấm gửi lại mã mới."))
        raise VerificationError(_("Chưa có mã xác nhận cho số điện thoại này; hãy bấm “Gửi mã xác nhận” trước."))
    newest = live[0]
    newest.attempts += 1
    db.session.flush()
    if newest.attempts >= MAX_ATTEMPTS:
        raise VerificationError(_("Đã nhập sai mã quá nhiều lần; hãy bấm gửi lại mã mới."))
    raise VerificationError(_("Mã xác nhận không đúng; hãy kiểm tra tin nhắn và nhập lại 6 chữ số."))


def _newest_unused(consultation_id, phone_digest):
    return (
        select(VerificationCode)
        .where(
            VerificationCode.consultation_id == consultation_id,
            VerificationCode.phone_hash == phone_digest,
            VerificationCode.used_at.is_(None),
        )
        .order_by(VerificationCode.id.desc())
        .limit(CHECKED_CODES)
    )


def _spend(consultation_id, phone_digest, code, now):
    """Mark used, in one statement, the live code among the phone's CHECKED_CODES newest unused ones whose
    keyed hash is the typed code's; True if there was one (a code is spent once, whoever asks first)."""
    newest = _newest_unused(consultation_id, phone_digest).with_only_columns(VerificationCode.id)
    spent = db.session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.id.in_(newest),
            VerificationCode.code_hash == identity.code_hash(consultation_id, phone_digest, code),
            VerificationCode.used_at.is_(None),
            VerificationCode.expires_at > now,
            VerificationCode.attempts < MAX_ATTEMPTS,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount > 0
