"""Sessions: each one names a user and their session version; a forced password change comes first.

The session (and the remember-me cookie) holds `User.get_id()`, "<id>:<session version>". Closing an
account, resetting its password or changing its role raises the version, so the loader refuses every
session opened before, on its very next request.
"""

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from app.accounts.models import User
from app.extensions import db

# What a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"accounts.change_password", "accounts.logout", "accounts.use_reset_link", "static"}
)


def load_user(session_user_id):
    """Return the active user this session names, if its session version is still theirs; else None."""
    user_id, _, version = str(session_user_id).partition(":")
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    # A session from before session versions carries only the id: valid until the first version change.
    if (version or "0") != str(user.session_version):
        return None
    return user


def _may_carry_a_session():
    # Read cookies, not the session: touching the session would add "Vary: Cookie" to anonymous pages.
    cookies = request.cookies
    return (
        current_app.config["SESSION_COOKIE_NAME"] in cookies
        or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    )


def require_password_change():
    """Send a user whose password is temporary to the password change page before anything else."""
    if request.endpoint in PASSWORD_CHANGE_ENDPOINTS or not _may_carry_a_session():
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return None
