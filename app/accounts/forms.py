"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp


class LoginForm(FlaskForm):
    username = StringField(
        _l("Tên đăng nhập"),
        validators=[
            DataRequired(_l("Vui lòng nhập tên đăng nhập.")),
            Length(max=64, message=_l("Tên đăng nhập tối đa 64 ký tự.")),
            Regexp(r"^[^\x00-\x1f\x7f]*$", message=_l("Tên đăng nhập không hợp lệ.")),
        ],
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=256)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))
