"""User management forms: open an account, change its role or unit, reset its password, close or reopen it."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.accounts.services import AccountError, check_username, clean_email, clean_phone
from app.glossary import ROLES

_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HANDOVER_CHOICES = [
    SelectChoice("link", _l("Liên kết đặt mật khẩu dùng một lần, hiệu lực 24 giờ")),
    SelectChoice("temporary", _l("Mật khẩu tạm thời để in ra; phải đổi ngay lần đăng nhập đầu")),
]


def clean_name(value):
    # NFC, so names typed on keyboards that compose diacritics differently compare alike.
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def no_control_characters(form, field):
    if field.data and _CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Có ký tự không hợp lệ."))


def account_check(check):
    def validate(form, field):
        try:
            field.data = check(field.data)
        except AccountError as error:
            raise ValidationError(error.message) from error

    return validate


def display_name_field():
    """A person's full name as a user types it (required, one line, at most 120 characters)."""
    return StringField(
        _l("Họ và tên"),
        filters=[clean_name],
        validators=[
            DataRequired(_l("Vui lòng nhập họ và tên.")),
            Length(max=120, message=_l("Họ và tên tối đa 120 ký tự.")),
            no_control_characters,
        ],
    )


def role_choices(roles):
    """Select choices for the roles a manager may give."""
    return [SelectChoice(role, ROLES[role]) for role in roles]


def unit_choices(units):
    """Select choices for units, by code."""
    return [SelectChoice(unit.code, f"{unit.name} ({unit.code})") for unit in units]


class RoleAndUnitForm(FlaskForm):
    """The role and unit of an account; the view fills the choices with what the manager may give."""

    role = SelectField(
        _l("Vai trò"),
        validators=[DataRequired(_l("Vui lòng chọn vai trò."))],
        invalid_choice_message=_l("Bạn không được giao vai trò này."),
    )
    unit = SelectField(
        _l("Đơn vị"),
        validators=[DataRequired(_l("Vui lòng chọn đơn vị."))],
        invalid_choice_message=_l("Đơn vị này nằm ngoài phạm vi bạn quản lý."),
    )


class HandoverForm(FlaskForm):
    """How the new or reset password reaches the person."""

    handover = RadioField(
        _l("Cách giao mật khẩu"),
        choices=HANDOVER_CHOICES,
        default="link",
        validators=[DataRequired(_l("Vui lòng chọn cách giao mật khẩu."))],
        invalid_choice_message=_l("Vui lòng chọn cách giao mật khẩu."),
    )


class UserCreateForm(RoleAndUnitForm, HandoverForm):
    """A new account: who, which role and unit, how its first password is handed over."""

    username = StringField(
        _l("Tên đăng nhập"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")), account_check(check_username)],
    )
    display_name = display_name_field()
    email = StringField(
        _l("Thư điện tử (không bắt buộc)"),
        validators=[Optional(), account_check(clean_email)],
    )
    phone = StringField(
        _l("Số điện thoại (không bắt buộc)"),
        validators=[Optional(), account_check(clean_phone)],
    )


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (close or reopen an account)."""
