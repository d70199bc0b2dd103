"""Forms of a user's own account: details, password change, a new password through a reset link."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.accounts.notification_settings import NOTIFY_BY
from app.accounts.password_policy import MAX_LENGTH, password_problems
from app.accounts.services import clean_email, clean_phone
from app.accounts.user_forms import account_check, display_name_field


class ProfileForm(FlaskForm):
    """The user's display name, e-mail and phone."""

    display_name = display_name_field()
    email = StringField(_l("Thư điện tử"), validators=[Optional(), account_check(clean_email)])
    phone = StringField(_l("Số điện thoại"), validators=[Optional(), account_check(clean_phone)])


class NotificationSettingsForm(FlaskForm):
    """How the user is told of new items and of the daily digest (the service checks e-mail and phone)."""

    notify_by = RadioField(
        _l("Nhận thông báo công việc qua"),
        choices=[SelectChoice(value, label) for value, label in NOTIFY_BY.items()],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn một cách nhận thông báo: email, SMS hoặc không nhận."),
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice and checked against the policy (the user's username given at construction)."""

    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(_l("Vui lòng nhập mật khẩu mới.")), Length(max=MAX_LENGTH)],
    )
    confirm_password = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")),
            EqualTo("new_password", message=_l("Hai lần nhập mật khẩu mới không khớp.")),
        ],
    )

    def __init__(self, username, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.username = username

    def validate_new_password(self, field):
        problems = password_problems(field.data, self.username)
        if problems:
            raise ValidationError(problems[0])


class PasswordChangeForm(NewPasswordForm):
    """The current password, then a new one."""

    current_password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[DataRequired(_l("Vui lòng nhập mật khẩu hiện tại.")), Length(max=MAX_LENGTH)],
    )
