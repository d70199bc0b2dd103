"""Account changes: create users, sign in (upgrading old password hashes), record sign-ins."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import ROLES, User
from app.accounts.password_policy import password_problems
from app.accounts.passwords import hash_password, needs_rehash, spend_a_check
from app.clock import utcnow
from app.errors import FieldError
from app.extensions import db
from app.ledger.chain import record
from app.phones import InvalidPhoneNumber, to_e164

VALID_ROLES = ROLES
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254
# No password anyone can type matches this: an account created for a reset link starts with it.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105  (a marker, not a password)


class AccountError(FieldError):
    """An account change cannot be made as asked; `message` says why (Vietnamese), `field` where."""


class UsernameTaken(AccountError):
    """Another account already has this username (in any letter case)."""


def find_user(username):
    """Return the user with this username (case-insensitive), or None."""
    return db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))


def authenticate(username, password):
    """Return the active user with these credentials, or None; an old-style hash is upgraded to Argon2id."""
    user = find_user(username)
    if user is None:
        spend_a_check(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        # The password itself is unchanged, so password_changed_at stays as it was.
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def note_login(user, second_factor=None):
    """Remember when the user last signed in (and with which second factor: "totp" or "recovery_code")."""
    user.last_login_at = utcnow()
    db.session.flush()
    record("user.login", user, user.username, {"second_factor": second_factor} if second_factor else {}, user)


def check_username(username):
    """Return the stripped username if it is well formed and free; raise AccountError otherwise."""
    username = (username or "").strip()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            _("Tên đăng nhập dài 3–64 ký tự, chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang."),
            "username",
        )
    if find_user(username) is not None:
        raise UsernameTaken(_("Tên đăng nhập “%(username)s” đã có người dùng.", username=username), "username")
    return username


def check_new_password(password, username):
    """Raise AccountError with the policy's first complaint about a proposed password."""
    problems = password_problems(password, username)
    if problems:
        raise AccountError(problems[0], "password")


def clean_email(email):
    """Return the e-mail address lower-cased, or None if empty; raise AccountError if malformed."""
    email = (email or "").strip().lower()
    if not email:
        return None
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email):
        raise AccountError(_("Địa chỉ thư điện tử không hợp lệ."), "email")
    return email


def clean_phone(phone):
    """Return the phone number in E.164, or None if empty; raise AccountError if it is not Vietnamese."""
    if not (phone or "").strip():
        return None
    try:
        return to_e164(phone)
    except InvalidPhoneNumber as error:
        raise AccountError(_("Số điện thoại không hợp lệ."), "phone") from error


def create_user(
    username,
    password,
    role,
    unit,
    display_name=None,
    actor=None,
    email=None,
    phone=None,
    must_change_password=False,
):
    """Create a user bound to `unit`; refuse taken usernames, unknown roles and passwords the policy refuses.

    With `password=None` the account has no usable password until a reset link is used.
    """
    if role not in VALID_ROLES:
        raise AccountError(_("Vai trò không hợp lệ."), "role")
    username = check_username(username)
    if password is not None:
        check_new_password(password, username)
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        role=role,
        unit=unit,
        email=clean_email(email),
        phone=clean_phone(phone),
        must_change_password=must_change_password,
    )
    if password is None:
        user.password_hash = UNUSABLE_PASSWORD_HASH
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.created", user, f"{username} ({role}, {unit.code})", {"role": role, "unit": unit.code}, actor)
    return user
