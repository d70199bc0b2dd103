"""What every signed-in user changes about themselves: display name, e-mail, phone, password; their sessions."""

from flask_babel import gettext as _

from app.accounts.services import AccountError, check_new_password, clean_email, clean_phone
from app.extensions import db
from app.ledger.chain import record

MAX_DISPLAY_NAME_LENGTH = 120


def update_profile(user, display_name, email, phone):
    """Change the user's display name, e-mail and phone; return the names of the fields that changed."""
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > MAX_DISPLAY_NAME_LENGTH:
        raise AccountError(_("Họ tên dài 1–%(max)s ký tự.", max=MAX_DISPLAY_NAME_LENGTH), "display_name")
    values = {"display_name": display_name, "email": clean_email(email), "phone": clean_phone(phone)}
    before = {name: getattr(user, name) for name in values if getattr(user, name) != values[name]}
    if not before:
        return []
    for name in before:
        setattr(user, name, values[name])
    db.session.flush()
    after = {name: values[name] for name in before}
    record("user.profile_changed", user, user.username, {"before": before, "after": after}, user)
    return list(before)


def change_password(user, current_password, new_password):
    """Replace the user's password after checking the current one; every other session of theirs ends."""
    if not user.check_password(current_password or ""):
        raise AccountError(_("Mật khẩu hiện tại không đúng."), "current_password")
    if new_password == current_password:
        raise AccountError(_("Mật khẩu mới phải khác mật khẩu hiện tại."), "new_password")
    try:
        check_new_password(new_password, user.username)
    except AccountError as error:
        raise AccountError(error.message, "new_password") from error
    user.set_password(new_password)
    user.must_change_password = False
    user.end_sessions()
    db.session.flush()
    record("user.password_changed", user, user.username, {}, user)


def sign_out_everywhere(user):
    """End every session of the user, on every browser and device, this one included."""
    user.end_sessions()
    db.session.flush()
    record("user.sessions_ended", user, user.username, {}, user)
