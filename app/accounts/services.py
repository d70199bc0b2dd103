"""Account changes: create users, record sign-ins."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.ledger.chain import record

VALID_ROLES = ("official", "leader", "inspector", "admin")


class AccountError(ValueError):
    """The account cannot be created as asked."""


def find_user(username):
    """Return the user with this username (case-insensitive), or None."""
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def authenticate(username, password):
    """Return the active user with these credentials, or None."""
    user = find_user(username)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user


def note_login(user):
    """Remember when the user last signed in."""
    user.last_login_at = utcnow()
    db.session.flush()
    record("user.login", user, user.username, {}, user)


def create_user(username, password, role, unit, display_name=None, actor=None):
    """Create a user bound to `unit`; refuse duplicates, unknown roles and short passwords."""
    username = username.strip()
    if role not in VALID_ROLES:
        raise AccountError(f"role must be one of {', '.join(VALID_ROLES)}")
    if not username or len(username) > 64:
        raise AccountError("username must be 1-64 characters")
    if find_user(username) is not None:
        raise AccountError(f"user {username!r} already exists")
    if len(password) < 8:
        raise AccountError("password must be at least 8 characters")
    user = User(username=username, display_name=display_name or username, role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.created", user, f"{username} ({role}, {unit.code})", {"role": role, "unit": unit.code}, actor)
    return user
