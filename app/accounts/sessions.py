"""Sessions: each one names a user and their session version, when it began and when it was last used.

The session holds `User.get_id()`, "<id>:<session version>". Closing an account, resetting its password
or second factor, changing its role, or "sign out everywhere" raises the version, so the loader refuses
every session opened before, on its very next request. The same signed session carries the moment it
began and the moment of its last request: it ends after SESSION_IDLE_MINUTES without a request and
SESSION_MAX_HOURS after it began. A session that does not say when it began (one restored from an older
remember-me cookie, or from before these limits) is ended too.

Between the password and the code, a sign-in waits in the session ("pending_sign_in") for five minutes
without signing anyone in. A forced password change comes first, then a required second factor.
"""

from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app import clock
from app.accounts.models import User
from app.accounts.two_factor import must_enrol
from app.extensions import db


def current_actor():
    """The signed-in user as services store it on relationships and audit rows: the real object, not the proxy."""
    return current_user._get_current_object()


SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
PENDING_SIGN_IN = "pending_sign_in"
PENDING_SIGN_IN_LIFETIME = timedelta(minutes=5)
# The last-seen time is rewritten at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60

# What a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"accounts.change_password", "accounts.logout", "accounts.use_reset_link", "static"}
)
# What a user who must enrol a second factor may still reach (a temporary password is changed first).
ENROLMENT_ENDPOINTS = PASSWORD_CHANGE_ENDPOINTS | {"accounts.two_factor"}


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


def _now():
    return int(clock.utcnow().timestamp())


def start_session(user, remember=False):
    """Sign `user` in on this browser; `remember` keeps the session across browser restarts, as long as it lasts."""
    session.pop(PENDING_SIGN_IN, None)
    # Flask-Login's own remember-me cookie would outlive both limits: the session cookie is made to last instead.
    login_user(user, remember=False)
    session.permanent = bool(remember)
    session[SIGNED_IN_AT] = session[SEEN_AT] = _now()


def carry_on(user):
    """Keep this session after `user.end_sessions()` ended all of them (a change made on this browser)."""
    login_user(user, remember=False)


def end_session():
    """Sign out on this browser."""
    logout_user()
    for key in (SIGNED_IN_AT, SEEN_AT, PENDING_SIGN_IN):
        session.pop(key, None)


def _may_carry_a_session():
    # Read cookies, not the session: touching the session would add "Vary: Cookie" to anonymous pages.
    cookies = request.cookies
    return (
        current_app.config["SESSION_COOKIE_NAME"] in cookies
        or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    )


def _has_expired(now):
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return True
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["SESSION_MAX_HOURS"] * 3600
    return now - seen_at > idle or now - signed_in_at > lifetime


def enforce_session_limits():
    """End a session idle too long or open too long; otherwise note that it was used now."""
    if request.endpoint == "static" or not _may_carry_a_session() or not current_user.is_authenticated:
        return None
    now = _now()
    if _has_expired(now):
        end_session()
        flash(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), "info")
        return None
    if now - session[SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return None


def begin_pending_sign_in(user, remember, next_url):
    """The password was right: wait for the code, without signing in."""
    session[PENDING_SIGN_IN] = {"user": user.get_id(), "at": _now(), "remember": bool(remember), "next": next_url}


def pending_sign_in():
    """Return (user, remember, next URL) of the sign-in waiting for its code; None if none, or too old."""
    pending = session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        session.pop(PENDING_SIGN_IN, None)
        return None
    user = load_user(pending.get("user"))
    if user is None or _now() - pending["at"] > PENDING_SIGN_IN_LIFETIME.total_seconds():
        session.pop(PENDING_SIGN_IN, None)
        return None
    return user, bool(pending.get("remember")), pending.get("next")


def drop_pending_sign_in():
    session.pop(PENDING_SIGN_IN, None)


def require_password_change():
    """Send a user whose password is temporary to the password change page before anything else."""
    if request.endpoint in PASSWORD_CHANGE_ENDPOINTS or not _may_carry_a_session():
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return None


def require_second_factor():
    """With REQUIRE_TWO_FACTOR on, send a user without a second factor to enrol before anything else."""
    if request.endpoint in ENROLMENT_ENDPOINTS or not _may_carry_a_session():
        return None
    if current_user.is_authenticated and must_enrol(current_user):
        return redirect(url_for("accounts.two_factor"))
    return None
