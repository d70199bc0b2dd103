"""Sign-in forms: the password, then the code of a second factor."""

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


class SignInCodeForm(FlaskForm):
    """The second step of signing in: six digits from the app, or a recovery code."""

    code = StringField(
        _l("Mã xác thực"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Vui lòng nhập mã xác thực.")),
            Length(max=40, message=_l("Mã xác thực không hợp lệ.")),
            Regexp(r"^[A-Za-z0-9 \-]*$", message=_l("Mã xác thực chỉ gồm chữ số, hoặc chữ và số nếu là mã dự phòng.")),
        ],
    )
