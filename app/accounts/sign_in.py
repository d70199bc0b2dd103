"""The two steps of signing in: the password, then (for an account with a second factor) a code.

Each step refuses with a Vietnamese sentence and counts the failure towards the lockout; the view commits
the refusal too, so the count and the lockout's audit entry are kept.
"""

from flask_babel import gettext as _

from app.accounts.lockout import clear_failures, is_locked, lock_message, note_failure
from app.accounts.passwords import spend_a_check
from app.accounts.services import authenticate, find_user, note_login
from app.accounts.two_factor import verify_second_factor


class SignInRefused(Exception):
    """A sign-in step failed; `message` says why (Vietnamese), `is_locked` whether the account is now locked."""

    def __init__(self, message, is_locked=False):
        super().__init__(message)
        self.message = message
        self.is_locked = is_locked


def wrong_password_message():
    return _("Tên đăng nhập hoặc mật khẩu không đúng.")


def check_password(username, password):
    """Return the active user whose username and password these are; raise SignInRefused otherwise."""
    user = find_user(username)
    if user is not None and is_locked(user):
        # The same time as a real check, and the same answer whatever the password: no guessing while locked.
        spend_a_check(password)
        raise SignInRefused(lock_message(user), is_locked=True)
    signed_in = authenticate(username, password)
    if signed_in is not None:
        return signed_in
    if user is not None and user.is_active and note_failure(user, "password"):
        raise SignInRefused(lock_message(user), is_locked=True)
    raise SignInRefused(wrong_password_message())


def check_code(user, code):
    """Accept the second step's code (app or recovery); return its kind; raise SignInRefused otherwise."""
    if is_locked(user):
        raise SignInRefused(lock_message(user), is_locked=True)
    method = verify_second_factor(user, code)
    if method is not None:
        return method
    if note_failure(user, "code"):
        raise SignInRefused(lock_message(user), is_locked=True)
    raise SignInRefused(_("Mã xác thực không đúng hoặc đã được dùng. Vui lòng thử lại."))


def complete_sign_in(user, second_factor=None):
    """Both steps passed: forget the failures and record the sign-in (and how the second step was made)."""
    clear_failures(user)
    note_login(user, second_factor)
