"""Forms of the two-factor pages: the first code that turns it on, a current code that changes it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Regexp

from app.accounts.forms import SignInCodeForm


class EnrolmentForm(FlaskForm):
    """The six digits the app shows once it has scanned the QR code."""

    code = StringField(
        _l("Mã 6 chữ số trong ứng dụng"),
        filters=[lambda value: value.replace(" ", "").strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Vui lòng nhập mã 6 chữ số đang hiện trong ứng dụng.")),
            Regexp(r"^[0-9]{6}$", message=_l("Mã gồm đúng 6 chữ số.")),
        ],
    )


class CurrentCodeForm(SignInCodeForm):
    """A code from the app, or an unused recovery code, asked again before a change."""
