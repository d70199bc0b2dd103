"""The "theo dõi" form: an e-mail address and what it follows (a public notice, or a unit of today)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.accounts.models import AdministrativeUnit
from app.accounts.services import EMAIL_PATTERN, MAX_EMAIL_LENGTH
from app.extensions import db
from app.notices.forms import TextForm
from app.notices.models import Notice

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
MAX_UNIT_CODE_LENGTH = 16


def public_notice(text):
    """The public notice whose id is `text`, or None (a draft, a wrong or absurd number)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        return None
    notice = db.session.get(Notice, int(text))
    return notice if notice is not None and notice.is_public else None


def unit_refusal(code):
    """(unit, None) for a unit of today with this code, else (None, why in Vietnamese)."""
    code = (code or "").strip()
    unit = AdministrativeUnit.by_code(code) if len(code) <= MAX_UNIT_CODE_LENGTH else None
    if unit is None:
        return None, _("Không có đơn vị hành chính mã “%(code)s”; hãy chọn trong danh sách.", code=code[:20])
    if not unit.is_current:
        if unit.successor is not None and unit.successor.is_current:
            return None, _(
                "%(name)s không còn tồn tại sau khi sắp xếp đơn vị hành chính; hãy theo dõi %(successor)s "
                "(đơn vị kế thừa).",
                name=unit.name,
                successor=unit.successor.name,
            )
        return None, _(
            "%(name)s không còn tồn tại sau khi sắp xếp đơn vị hành chính; hãy chọn đơn vị khác trong danh sách.",
            name=unit.name,
        )
    return unit, None


class FollowForm(TextForm):
    """Follow a notice (hidden `notice`) or a unit (`unit`: hidden, or chosen in a list) by e-mail."""

    email = StringField(
        _l("Địa chỉ email của bạn"),
        validators=[
            DataRequired(_l("Vui lòng nhập địa chỉ email để nhận thư báo.")),
            Length(max=MAX_EMAIL_LENGTH, message=_l("Email tối đa 254 ký tự.")),
        ],
    )
    notice = StringField(_l("Thông báo"))
    unit = StringField(_l("Xã, phường hoặc tỉnh muốn theo dõi"))
    # Honeypot: hidden from people (CSS and aria-hidden); only robots fill it in.
    website = StringField(_l("Trang web (để trống)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.followed_notice = None
        self.followed_unit = None

    def validate_email(self, field):
        if field.data and not EMAIL_PATTERN.match(field.data):
            raise ValidationError(_("Email không hợp lệ; hãy nhập theo dạng ten@vidu.vn."))

    def validate_notice(self, field):
        if not field.data:
            return
        self.followed_notice = public_notice(field.data)
        if self.followed_notice is None:
            raise ValidationError(
                _(
                    "Không tìm thấy thông báo số %(id)s đang công khai. Hãy mở lại thông báo và bấm "
                    "“Theo dõi qua email”, hoặc chọn xã, phường để theo dõi.",
                    id=field.data.strip()[:20],
                )
            )

    def validate_unit(self, field):
        if self.notice.data:
            return  # the notice is what is followed (or what is wrong)
        if not (field.data or "").strip():
            raise ValidationError(_("Vui lòng chọn xã, phường hoặc tỉnh muốn theo dõi."))
        self.followed_unit, refusal = unit_refusal(field.data)
        if refusal:
            raise ValidationError(refusal)

    def is_honeypot_filled(self):
        return bool((self.website.data or "").strip())
