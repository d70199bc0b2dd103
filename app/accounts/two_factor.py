"""The second factor: enrolling an authenticator app, checking its codes and recovery codes, turning it off.

Every role can read or change data that is not public, so every account may have a second factor, and
must when REQUIRE_TWO_FACTOR is on. The TOTP secret is sealed with DATA_ENCRYPTION_KEY; an enrolment in
progress keeps its secret (so a reloaded page shows the same QR code) until the first code confirms it.
Each function flushes and writes its audit entry; the request commits.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.accounts import totp
from app.accounts.lockout import clear_failures, lock_message, note_failure
from app.accounts.models import ROLES, User
from app.accounts.permissions import can_reset_second_factor
from app.accounts.recovery_codes import codes_left, delete_recovery_codes, issue_recovery_codes, use_recovery_code
from app.accounts.services import AccountError
from app.extensions import db
from app.ledger.chain import record
from app.outbox.crypto import InvalidToken, seal, unseal

# Officials, leaders, inspectors and administrators all read non-public data: all need a second factor.
ROLES_NEEDING_SECOND_FACTOR = frozenset(ROLES)


class AccountLocked(AccountError):
    """Too many wrong codes: the account is locked and the user's sessions end."""


def needs_second_factor(user):
    """Whether this user's role can change or read non-public data (every role today)."""
    return user.role in ROLES_NEEDING_SECOND_FACTOR


def is_required():
    """Whether REQUIRE_TWO_FACTOR is on (production's default)."""
    return bool(current_app.config.get("REQUIRE_TWO_FACTOR"))


def must_enrol(user):
    """Whether `user` may do nothing before enrolling a second factor."""
    return is_required() and needs_second_factor(user) and not user.has_second_factor


def _secret(user):
    try:
        return unseal(user.totp_secret)
    except InvalidToken:
        return None  # sealed with a key no longer configured: as if there were none


def enrolment_secret(user):
    """Return the secret of the user's enrolment in progress, making one if there is none."""
    if user.has_second_factor:
        raise AccountError(_("Xác thực hai lớp đã được bật."))
    secret = _secret(user) if user.totp_secret else None
    if secret is None:
        secret = totp.new_secret()
        user.totp_secret = seal(secret)
        user.totp_last_step = None
        db.session.flush()
    return secret


def enrolment_uri(user, secret):
    """The otpauth:// URI of an enrolment, named after the site and the username."""
    issuer = current_app.config.get("TOTP_ISSUER") or "Công khai"
    return totp.provisioning_uri(secret, user.username, issuer)


def enable_second_factor(user, code):
    """Turn the second factor on with a first code from the app; return the recovery codes, shown once.

    Every other session of the user, opened with the password alone, ends; the caller keeps this one.
    """
    if user.has_second_factor:
        raise AccountError(_("Xác thực hai lớp đã được bật."))
    secret = _secret(user) if user.totp_secret else None
    if secret is None:
        raise AccountError(_("Mã QR đã hết hiệu lực. Hãy tải lại trang và quét mã mới."))
    step = totp.matching_step(secret, code, clock.utcnow())
    if step is None:
        raise AccountError(
            _("Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực (mã đổi sau mỗi 30 giây)."),
            "code",
        )
    user.two_factor_enabled_at = clock.utcnow()
    user.totp_last_step = step
    user.end_sessions()
    codes = issue_recovery_codes(user)
    db.session.flush()
    record("user.two_factor_enabled", user, user.username, {"method": "totp"}, user)
    return codes


def _accept_totp(user, code):
    secret = _secret(user)
    step = totp.matching_step(secret, code, clock.utcnow()) if secret else None
    if step is None:
        return False
    # A conditional UPDATE moves the last accepted step forward: the same code (or an older one) twice,
    # even from two requests at once, is accepted once.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def verify_second_factor(user, code):
    """Spend `code` if it is a current app code or an unused recovery code of `user`.

    Return "totp" or "recovery_code" for the kind of code accepted, or None.
    """
    if not user.has_second_factor:
        return None
    if totp.clean_code(code) is not None:
        return "totp" if _accept_totp(user, code) else None
    return "recovery_code" if use_recovery_code(user, code) else None


def check_current_code(user, code):
    """Accept a code asked again on the two-factor pages; a wrong one counts towards the lockout.

    Raise AccountError for a wrong code, AccountLocked (ending the user's sessions) at the limit.
    """
    method = verify_second_factor(user, code)
    if method is not None:
        return method
    if note_failure(user, "code"):
        user.end_sessions()
        db.session.flush()
        raise AccountLocked(lock_message(user))
    raise AccountError(_("Mã không đúng hoặc đã được dùng."), "code")


def regenerate_recovery_codes(user, code):
    """Replace the user's recovery codes after checking a current code; return the new ones, shown once."""
    check_current_code(user, code)
    codes = issue_recovery_codes(user)
    record("user.recovery_codes_regenerated", user, user.username, {}, user)
    return codes


def _remove_second_factor(user):
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    delete_recovery_codes(user)
    db.session.flush()


def turn_off_second_factor(user, code):
    """Remove the user's own second factor after checking a current code.

    When REQUIRE_TWO_FACTOR is on this is "start again with another app": sign-in sends the user straight
    back to enrolment.
    """
    check_current_code(user, code)
    _remove_second_factor(user)
    record("user.two_factor_disabled", user, user.username, {}, user)


def reset_second_factor(actor, target):
    """Remove `target`'s second factor for them (a lost phone): their sessions end and any lockout lifts."""
    if not can_reset_second_factor(actor, target):
        raise AccountError(_("Tài khoản này nằm ngoài phạm vi bạn quản lý."))
    was_enabled = target.has_second_factor
    _remove_second_factor(target)
    clear_failures(target)
    target.end_sessions()
    db.session.flush()
    record("user.two_factor_reset", target, target.username, {"was_enabled": was_enabled}, actor)


def recovery_codes_left(user):
    """How many unused recovery codes `user` has."""
    return codes_left(user)
