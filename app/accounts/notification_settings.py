"""How a user is told of new items and of the daily digest: by e-mail, by SMS, or not at all."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.services import AccountError
from app.extensions import db
from app.ledger.chain import record

# users.notify_by: the values, with their labels.
NOTIFY_BY = {
    "email": _l("Thư điện tử (email)"),
    "sms": _l("Tin nhắn SMS"),
    "none": _l("Không nhận thông báo"),
}


def change_notify_by(user, notify_by):
    """Set how `user` is told; return whether it changed. "email" needs an e-mail, "sms" a phone."""
    if notify_by not in NOTIFY_BY:
        raise AccountError(_("Hãy chọn một cách nhận thông báo: email, SMS hoặc không nhận."), "notify_by")
    if notify_by == "email" and not user.email:
        raise AccountError(
            _(
                "Tài khoản của bạn chưa có địa chỉ email. Hãy thêm email ở trang “Tài khoản của bạn” "
                "rồi chọn lại, hoặc chọn cách khác."
            ),
            "notify_by",
        )
    if notify_by == "sms" and not user.phone:
        raise AccountError(
            _(
                "Tài khoản của bạn chưa có số điện thoại. Hãy thêm số điện thoại ở trang “Tài khoản của bạn” "
                "rồi chọn lại, hoặc chọn cách khác."
            ),
            "notify_by",
        )
    if user.notify_by == notify_by:
        return False
    before = user.notify_by
    user.notify_by = notify_by
    db.session.flush()
    record(
        "user.notify_by_changed",
        user,
        user.username,
        {"before": {"notify_by": before}, "after": {"notify_by": notify_by}},
        user,
    )
    return True
