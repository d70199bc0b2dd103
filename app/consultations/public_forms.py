"""The citizen's two forms, JavaScript or not: the opinion and a phone to confirm, then the code received.

The choices and villages are the consultation's; what a valid opinion is (a choice offered, a village of
the list, lengths) is decided by opinions.checked_fields, whose errors the view puts under these fields.
"""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.consultations.choices import labelled_choices
from app.consultations.opinions import MAX_COMMENT_LENGTH, MAX_NAME_LENGTH
from app.notices.forms import TextForm


class OpinionForm(TextForm):
    """Step one: the opinion, and the phone the code is sent to."""

    choice = RadioField(
        _l("Ý kiến của bạn"),
        choices=[],
        validators=[InputRequired(_l("Vui lòng chọn một phương án."))],
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Góp ý thêm (không bắt buộc)"),
        validators=[
            Optional(),
            Length(max=MAX_COMMENT_LENGTH, message=_l("Ý kiến tối đa 2000 ký tự.")),
        ],
    )
    name = StringField(
        _l("Họ và tên (không công khai)"),
        validators=[Optional(), Length(max=MAX_NAME_LENGTH, message=_l("Họ tên tối đa 120 ký tự."))],
    )
    village = SelectField(_l("Thôn, tổ dân phố"), choices=[], validate_choice=False, validators=[Optional()])
    phone = StringField(
        _l("Số điện thoại di động (không công khai)"),
        validators=[
            DataRequired(_l("Vui lòng nhập số điện thoại di động để nhận mã xác nhận.")),
            Length(max=30, message=_l("Số điện thoại tối đa 30 ký tự.")),
        ],
    )

    def __init__(self, consultation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.choice.choices = labelled_choices(consultation)
        blank = _l("— Chọn thôn, tổ dân phố —") if consultation.is_limited_to_villages else _l("Không nêu")
        self.village.choices = [("", blank)] + [(village, village) for village in consultation.villages]

    def opinion_values(self):
        """The typed values as the service reads them."""
        return {
            "choice": self.choice.data or "",
            "comment": self.comment.data or "",
            "name": self.name.data or "",
            "village": self.village.data or "",
            "phone": self.phone.data or "",
        }


class ConfirmOpinionForm(OpinionForm):
    """Step two: the same opinion (carried in hidden fields) and the code from the SMS."""

    code = StringField(
        _l("Mã xác nhận (6 chữ số trong tin nhắn)"),
        validators=[
            DataRequired(_l("Vui lòng nhập mã xác nhận gồm 6 chữ số.")),
            Length(max=12, message=_l("Mã xác nhận gồm 6 chữ số.")),
        ],
    )
    step = HiddenField(default="confirm")
