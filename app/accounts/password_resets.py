"""Resetting a password: a one-time link valid 24 hours, or a temporary password to change at first sign-in.

Only the SHA-256 of a link's token is stored; the token itself is shown once to the leader or administrator
who hands it over. Times come from `clock.utcnow()` at call time, so tests can move the clock.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from app import clock
from app.accounts.models import PasswordReset
from app.accounts.password_policy import password_problems
from app.accounts.permissions import can_reset_password
from app.accounts.services import UNUSABLE_PASSWORD_HASH, AccountError, check_new_password
from app.extensions import db
from app.ledger.chain import record

RESET_LINK_LIFETIME = timedelta(hours=24)
# Letters and digits nobody confuses when reading them aloud or off paper (no 0/o, 1/l/i).
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 4


def _token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_may_reset(actor, target):
    if not can_reset_password(actor, target):
        raise AccountError(_("Tài khoản này nằm ngoài phạm vi bạn quản lý."))


def revoke_reset_links(user, now=None):
    """End every unused reset link of `user` (a newer reset, or the account closed)."""
    now = now or clock.utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(expires_at=now)
    )


def issue_reset_link(actor, target, now=None):
    """Start a reset: the old password and sessions stop working; return the link's token (shown once)."""
    _check_may_reset(actor, target)
    now = now or clock.utcnow()
    revoke_reset_links(target, now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user=target,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + RESET_LINK_LIFETIME,
            created_by_id=actor.id if actor is not None else None,
        )
    )
    target.password_hash = UNUSABLE_PASSWORD_HASH
    target.must_change_password = False
    target.end_sessions()
    db.session.flush()
    record("user.password_reset_link_issued", target, target.username, {"valid_hours": 24}, actor)
    return token


def _temporary_password(username):
    while True:
        groups = ("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(TEMPORARY_GROUPS))
        password = "-".join(groups)
        if not password_problems(password, username):
            return password


def set_temporary_password(actor, target):
    """Give `target` a temporary password to change at first sign-in; return it (shown once, to print)."""
    _check_may_reset(actor, target)
    password = _temporary_password(target.username)
    revoke_reset_links(target)
    target.set_password(password)
    target.must_change_password = True
    target.end_sessions()
    db.session.flush()
    record("user.temporary_password_set", target, target.username, {}, actor)
    return password


def find_reset(token, now=None):
    """Return the unused, unexpired reset of an active user for this token, or None."""
    if not token or len(token) > 200:
        return None
    now = now or clock.utcnow()
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= now or not reset.user.is_active:
        return None
    return reset


def use_reset_link(token, password, now=None):
    """Set the new password through a reset link, once; return the user. Raise AccountError if refused."""
    now = now or clock.utcnow()
    reset = find_reset(token, now)
    if reset is None:
        raise AccountError(_("Liên kết đặt lại mật khẩu không còn hiệu lực (đã dùng hoặc quá 24 giờ)."))
    user = reset.user
    check_new_password(password, user.username)
    # Claim the link in one statement: of two requests racing with the same link, only one sets a password.
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        raise AccountError(_("Liên kết đặt lại mật khẩu không còn hiệu lực (đã dùng hoặc quá 24 giờ)."))
    user.set_password(password)
    user.must_change_password = False
    user.end_sessions()
    db.session.flush()
    record("user.password_reset", user, user.username, {}, user)
    return user
