"""Locking an account after wrong passwords or codes in a row.

One counter for both steps of sign-in (and for the codes asked on the two-factor pages): LOCKOUT_ATTEMPTS
failures in a row lock the account for LOCKOUT_MINUTES, with an audit entry. Only a complete sign-in
resets the counter: a correct password alone does not, or whoever knows the password could guess codes
forever, four at a time. While locked, nothing is counted and nothing says whether a password was right.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from app import clock
from app.accounts.models import User
from app.accounts.permissions import can_unlock_user
from app.accounts.services import AccountError
from app.clock import format_datetime
from app.extensions import db
from app.ledger.chain import record


def is_locked(user, now=None):
    """Whether `user` may not sign in now because of repeated failures."""
    return user.locked_until is not None and user.locked_until > (now or clock.utcnow())


def note_failure(user, reason):
    """Count one wrong password or code (`reason`: "password" or "code"); return True if it locked the account."""
    # One UPDATE adds one, so two requests failing at once both count.
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_in_count=User.failed_sign_in_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["failed_sign_in_count"])
    attempts = current_app.config["LOCKOUT_ATTEMPTS"]
    if user.failed_sign_in_count < attempts:
        return False
    user.failed_sign_in_count = 0
    user.locked_until = clock.utcnow() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
    db.session.flush()
    record(
        "user.locked",
        user,
        f"{user.username}: {attempts} × {reason}",
        {"reason": reason, "failures": attempts, "until": user.locked_until.isoformat()},
    )
    return True


def clear_failures(user):
    """Forget the failures of `user` (a complete sign-in, or a manager unlocking the account)."""
    if user.failed_sign_in_count or user.locked_until is not None:
        user.failed_sign_in_count = 0
        user.locked_until = None
        db.session.flush()


def unlock_account(actor, target):
    """Lift `target`'s lockout before its time (a leader or administrator who knows it was the user)."""
    if not can_unlock_user(actor, target):
        raise AccountError(_("Tài khoản này không bị tạm khóa hoặc nằm ngoài phạm vi bạn quản lý."))
    until = target.locked_until
    clear_failures(target)
    record("user.unlocked", target, target.username, {"until": until.isoformat()}, actor)


def lock_message(user):
    """The Vietnamese sentence that tells a locked-out user why, and until when."""
    return _(
        "Tài khoản tạm khóa đến %(time)s vì nhập sai mật khẩu hoặc mã xác thực quá %(count)s lần liên tiếp. "
        "Vui lòng thử lại sau thời điểm đó, hoặc nhờ lãnh đạo, quản trị viên mở khóa.",
        time=format_datetime(user.locked_until),
        count=current_app.config["LOCKOUT_ATTEMPTS"],
    )
