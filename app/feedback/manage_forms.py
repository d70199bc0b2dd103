"""Forms of the officials' queue and of the deadline administration. All validation lives here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.dates import DayField
from app.feedback.deadlines import CALENDAR_DAYS, WORKING_DAYS
from app.feedback.identity_forms import key_file_field, key_text_field
from app.feedback.kinds import FEEDBACK_KINDS
from app.notices.forms import TextForm
from app.sanitize import clean_html, html_to_text

REASON_MAX = 2000
ANSWER_MAX = 100_000
QUESTION_MAX = 5000

CIRCUMSTANCE_CHOICES = [
    SelectChoice("", _l("Thông thường (30 ngày)")),
    SelectChoice("complex", _l("Vụ việc phức tạp (45 ngày)")),
    SelectChoice("remote", _l("Vùng sâu, vùng xa đi lại khó khăn (45 ngày)")),
    SelectChoice("complex_remote", _l("Phức tạp và ở vùng khó khăn (60 ngày)")),
]
RULE_UNIT_CHOICES = [
    SelectChoice(WORKING_DAYS, _l("ngày làm việc")),
    SelectChoice(CALENDAR_DAYS, _l("ngày (kể cả ngày nghỉ)")),
]


def _reason_field(label, message, max_length=REASON_MAX):
    return TextAreaField(
        label,
        validators=[
            DataRequired(message),
            Length(max=max_length, message=_l("Tối đa %(max)s ký tự.")),
        ],
    )


class AcknowledgeForm(TextForm):
    circumstance = SelectField(
        _l("Trường hợp (chỉ với khiếu nại)"),
        choices=CIRCUMSTANCE_CHOICES,
        default="",
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn một trường hợp trong danh sách."),
    )


class RejectForm(TextForm):
    reason = _reason_field(
        _l("Lý do không thụ lý (người gửi đọc được)"),
        _l("Vui lòng nêu lý do không thụ lý, ví dụ: không thuộc thẩm quyền của xã."),
    )


class RequestInformationForm(TextForm):
    message = _reason_field(
        _l("Cần người gửi bổ sung gì (người gửi đọc được)"),
        _l("Vui lòng ghi rõ cần người gửi bổ sung thông tin gì."),
    )


class ReceiveInformationForm(TextForm):
    text = _reason_field(
        _l("Thông tin người gửi đã bổ sung (chỉ cán bộ xem)"),
        _l("Vui lòng ghi lại thông tin người gửi đã bổ sung (qua điện thoại, trực tiếp…)."),
        max_length=20_000,
    )


class ReplyForm(TextForm):
    answer_html = TextAreaField(
        _l("Nội dung trả lời"),
        validators=[
            DataRequired(_l("Vui lòng nhập nội dung trả lời.")),
            Length(max=ANSWER_MAX, message=_l("Nội dung trả lời tối đa 100.000 ký tự.")),
        ],
    )
    is_public = BooleanField(_l("Công khai câu hỏi và câu trả lời trên trang thông báo"))
    public_question = TextAreaField(
        _l(
            "Câu hỏi sẽ công khai: bản nháp đã thay số điện thoại, email, số CMND/CCCD, họ tên và địa chỉ "
            "người gửi bằng “[đã ẩn]”"
        ),
        validators=[Length(max=QUESTION_MAX, message=_l("Câu hỏi công khai tối đa 5.000 ký tự."))],
    )
    # Set by the item page: (question, answer as text) -> why they may not be published yet, or None.
    publication_check = None

    def validate_answer_html(self, field):
        if field.data and not html_to_text(clean_html(field.data)):
            raise ValidationError(_l("Nội dung trả lời chỉ có định dạng, chưa có chữ; vui lòng nhập câu trả lời."))

    def validate_public_question(self, field):
        if self.is_public.data and not field.data:
            raise ValidationError(
                _l("Để công khai, vui lòng nhập câu hỏi đã biên tập (bỏ họ tên, số điện thoại, địa chỉ người hỏi).")
            )
        if self.is_public.data and self.publication_check is not None:
            refusal = self.publication_check(field.data.strip(), html_to_text(clean_html(self.answer_html.data or "")))
            if refusal:
                raise ValidationError(refusal)


class ForwardForm(TextForm):
    target_unit = SelectField(
        _l("Đơn vị nhận"),
        choices=[],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn đơn vị nhận trong danh sách."),
        validators=[InputRequired(_l("Hãy chọn đơn vị nhận."))],
    )
    reason = _reason_field(_l("Lý do chuyển (người gửi đọc được)"), _l("Vui lòng nêu lý do chuyển."))
    # A sealed denunciation is sealed again for the receiving unit: its handler gives the unit's key, used in
    # the browser (which sends the boxes sealed again, `resealed`), or sent with the form when JavaScript is off.
    key_file = key_file_field()
    key_text = key_text_field()
    resealed = HiddenField()


class ForwardExternalForm(TextForm):
    agency_name = StringField(
        _l("Tên cơ quan nhận"),
        validators=[
            DataRequired(_l("Vui lòng ghi tên cơ quan nhận, ví dụ: Tòa án nhân dân khu vực 1 – Bắc Ninh.")),
            Length(max=200, message=_l("Tên cơ quan tối đa 200 ký tự.")),
        ],
    )
    reason = _reason_field(_l("Lý do chuyển (người gửi đọc được)"), _l("Vui lòng nêu lý do chuyển."))


class ExtendForm(TextForm):
    option = RadioField(
        _l("Cách gia hạn"),
        choices=[],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn một cách gia hạn trong danh sách."),
        validators=[InputRequired(_l("Hãy chọn một cách gia hạn."))],
    )
    reason = _reason_field(_l("Lý do gia hạn (người gửi đọc được)"), _l("Vui lòng nêu lý do gia hạn."))


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (close an item, remove an override)."""


class CloseForm(ConfirmForm):
    """Close an item: nothing to fill in."""


class ReopenForm(TextForm):
    reason = _reason_field(_l("Lý do mở lại"), _l("Vui lòng nêu lý do mở lại."))


class AssignForm(TextForm):
    official = SelectField(
        _l("Giao cho cán bộ"),
        choices=[],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn một cán bộ trong danh sách."),
        validators=[InputRequired(_l("Hãy chọn cán bộ sẽ xử lý ý kiến này."))],
    )
    reason = TextAreaField(
        _l("Ghi chú cho cán bộ được giao (nội bộ, không bắt buộc)"),
        validators=[Optional(), Length(max=2000, message=_l("Ghi chú tối đa 2000 ký tự."))],
    )


class NoteForm(TextForm):
    text = _reason_field(
        _l("Ghi chú nội bộ (người gửi không xem được)"), _l("Vui lòng nhập nội dung ghi chú."), max_length=20_000
    )


# The forms of the item page, in the order they are shown, with the action each one takes.
ACTION_FORMS = {
    "acknowledge": AcknowledgeForm,
    "reply": ReplyForm,
    "request_information": RequestInformationForm,
    "receive_information": ReceiveInformationForm,
    "extend": ExtendForm,
    "forward_internal": ForwardForm,
    "forward_external": ForwardExternalForm,
    "reject": RejectForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "assign": AssignForm,
    "note": NoteForm,
}


# --- deadline administration and the public calculator --------------------------------------


class RuleForm(TextForm):
    amount = IntegerField(
        _l("Số ngày"),
        validators=[
            InputRequired(_l("Vui lòng nhập số ngày.")),
            NumberRange(min=1, max=365, message=_l("Số ngày phải từ 1 đến 365.")),
        ],
    )
    unit = SelectField(
        _l("Cách tính"),
        choices=RULE_UNIT_CHOICES,
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn cách tính trong danh sách."),
    )


class OverrideForm(TextForm):
    day = DayField(
        _l("Ngày"),
        validators=[InputRequired(_l("Vui lòng nhập ngày."))],
    )
    is_working_day = SelectField(
        _l("Ngày đó"),
        choices=[
            SelectChoice("0", _l("Nghỉ (không tính là ngày làm việc)")),
            SelectChoice("1", _l("Làm việc (ví dụ: thứ Bảy làm bù)")),
        ],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn nghỉ hay làm việc."),
    )
    reason = StringField(
        _l("Lý do, căn cứ (hiện công khai trên trang tính hạn)"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do, ví dụ: Nghỉ bù Quốc khánh theo Thông báo của Chính phủ.")),
            Length(max=200, message=_l("Lý do tối đa 200 ký tự.")),
        ],
    )


class DeadlineQueryForm(FlaskForm):
    """The public calculator on /deadlines (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    kind = SelectField(
        _l("Loại ý kiến"),
        choices=[SelectChoice(identifier, kind.label) for identifier, kind in FEEDBACK_KINDS.items()],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn một loại ý kiến trong danh sách."),
    )
    step = SelectField(
        _l("Bước"),
        choices=[
            SelectChoice("resolve", _l("Giải quyết, trả lời")),
            SelectChoice("acknowledge", _l("Tiếp nhận, thụ lý")),
        ],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn bước tiếp nhận hoặc giải quyết."),
    )
    start = DayField(
        _l("Ngày bắt đầu (ngày nhận hoặc ngày thụ lý)"),
        validators=[InputRequired(_l("Vui lòng nhập ngày bắt đầu."))],
    )
    circumstance = SelectField(
        _l("Trường hợp đặc biệt (nếu có)"),
        choices=[
            SelectChoice("", _l("Không")),
            SelectChoice("complex", _l("Phức tạp (yêu cầu thông tin, khiếu nại)")),
            SelectChoice("remote", _l("Vùng sâu, vùng xa (khiếu nại)")),
            SelectChoice("complex_remote", _l("Phức tạp và vùng khó khăn (khiếu nại)")),
            SelectChoice("extended", _l("Gia hạn thụ lý (tố cáo)")),
        ],
        default="",
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn trường hợp trong danh sách."),
    )
