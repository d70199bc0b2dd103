"""The officials' forms: open a consultation, moderate a comment, close early, publish the result,
record a community decision, change a rule. Vietnamese errors throughout."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, FormField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.clock import local_today
from app.consultations.choices import AGREE_DISAGREE, MAX_OPTION_LENGTH, MAX_OPTIONS, OPTIONS
from app.dates import DayField
from app.notices.forms import TextForm

MAX_HOUSEHOLDS = 1_000_000
RESULT_GROUPS = 6  # answer groups shown at once (without JavaScript, a second publication adds more)


class WholeNumberField(IntegerField):
    """A whole number whose error speaks Vietnamese (WTForms' own message is English)."""

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Hãy nhập một số nguyên không âm.")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace(".", "").replace(" ", "")
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            self.data = None
            raise ValueError(str(self.invalid_message))
        self.data = int(text)


def lines(text):
    """The non-empty lines of a text box, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ConsultationForm(TextForm):
    question = TextAreaField(
        _l("Câu hỏi lấy ý kiến"),
        validators=[
            DataRequired(_l("Vui lòng nhập câu hỏi đặt ra cho người dân.")),
            Length(max=500, message=_l("Câu hỏi tối đa 500 ký tự.")),
        ],
    )
    choice_set = RadioField(
        _l("Cách trả lời"),
        choices=[
            (AGREE_DISAGREE, _l("Đồng ý / Không đồng ý / Ý kiến khác")),
            (OPTIONS, _l("Chọn một trong các phương án (mỗi dòng một phương án)")),
        ],
        default=AGREE_DISAGREE,
        validators=[InputRequired(_l("Vui lòng chọn cách trả lời."))],
    )
    options = TextAreaField(_l("Các phương án (mỗi dòng một phương án)"), validators=[Optional()])
    starts_on = DayField(_l("Lấy ý kiến từ ngày"), validators=[InputRequired(_l("Vui lòng nhập ngày bắt đầu."))])
    ends_on = DayField(_l("Đến hết ngày (hạn góp ý)"), validators=[InputRequired(_l("Vui lòng nhập hạn góp ý."))])
    scope = RadioField(
        _l("Ai được góp ý"),
        choices=[
            ("commune", _l("Người dân trong xã, phường")),
            ("villages", _l("Chỉ người dân các thôn, tổ dân phố nêu dưới đây")),
        ],
        default="commune",
        validators=[InputRequired(_l("Vui lòng chọn phạm vi lấy ý kiến."))],
    )
    villages = TextAreaField(_l("Thôn, tổ dân phố (mỗi dòng một tên)"), validators=[Optional()])
    households = WholeNumberField(
        _l("Số hộ gia đình trong phạm vi lấy ý kiến (nếu biết)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_HOUSEHOLDS, message=_l("Số hộ phải từ 1 đến 1.000.000."))],
    )

    def validate_options(self, field):
        if self.choice_set.data != OPTIONS:
            return
        options = lines(field.data)
        if len(options) < 2:
            raise ValidationError(_l("Hãy nhập ít nhất hai phương án, mỗi dòng một phương án."))
        if len(options) > MAX_OPTIONS:
            raise ValidationError(_l("Tối đa 10 phương án."))
        if any(len(option) > MAX_OPTION_LENGTH for option in options):
            raise ValidationError(_l("Mỗi phương án tối đa 200 ký tự."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Hạn góp ý phải sau hoặc trùng ngày bắt đầu."))

    def consultation_fields(self):
        return {
            "question": self.question.data,
            "choice_set": self.choice_set.data,
            "options": lines(self.options.data) if self.choice_set.data == OPTIONS else [],
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "villages": lines(self.villages.data),
            "is_limited_to_villages": self.scope.data == "villages",
            "households": self.households.data,
        }


class ApproveCommentForm(TextForm):
    public_comment = TextAreaField(
        _l("Nội dung công khai (đã ẩn thông tin cá nhân)"),
        validators=[
            DataRequired(_l("Nội dung công khai không được để trống; nếu không công khai, hãy chọn “Ẩn”.")),
            Length(max=2000, message=_l("Nội dung tối đa 2000 ký tự.")),
        ],
    )


class HideCommentForm(TextForm):
    reason = StringField(
        _l("Lý do ẩn"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do ẩn ý kiến.")),
            Length(max=500, message=_l("Lý do tối đa 500 ký tự.")),
        ],
    )


class CloseForm(TextForm):
    reason = TextAreaField(
        _l("Lý do kết thúc sớm (công khai)"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do kết thúc sớm; lý do được công khai.")),
            Length(max=1000, message=_l("Lý do tối đa 1000 ký tự.")),
        ],
    )


class AnswerGroupForm(TextForm):
    """One group of similar opinions and the commune's answer ("tiếp thu, giải trình")."""

    class Meta:
        csrf = False

    opinions = TextAreaField(
        _l("Nhóm ý kiến"), validators=[Optional(), Length(max=2000, message=_l("Tối đa 2000 ký tự."))]
    )
    answer = TextAreaField(
        _l("Tiếp thu, giải trình của xã"), validators=[Optional(), Length(max=4000, message=_l("Tối đa 4000 ký tự."))]
    )

    def validate_answer(self, field):
        if bool((self.opinions.data or "").strip()) != bool((field.data or "").strip()):
            raise ValidationError(_l("Mỗi nhóm ý kiến cần cả nội dung ý kiến và câu trả lời của xã."))


class ResultForm(TextForm):
    summary = TextAreaField(
        _l("Tổng hợp ý kiến"),
        validators=[
            DataRequired(_l("Vui lòng tóm tắt các ý kiến đã nhận.")),
            Length(max=5000, message=_l("Phần tổng hợp tối đa 5000 ký tự.")),
        ],
    )
    groups = FieldList(FormField(AnswerGroupForm), min_entries=RESULT_GROUPS, max_entries=30)
    reason = TextAreaField(
        _l("Lý do công bố phiên bản mới (bắt buộc khi đã công bố trước đó)"),
        validators=[Optional(), Length(max=1000, message=_l("Lý do tối đa 1000 ký tự."))],
    )

    def answer_groups(self):
        return [
            {"opinions": entry.opinions.data.strip(), "answer": entry.answer.data.strip()}
            for entry in (group.form for group in self.groups)
            if (entry.opinions.data or "").strip()
        ]


class VoteForm(TextForm):
    class Meta:
        csrf = False

    votes = WholeNumberField(
        _l("Số hộ"),
        validators=[InputRequired(_l("Nhập số hộ (0 nếu không có).")), NumberRange(min=0, max=MAX_HOUSEHOLDS)],
    )


class DecisionForm(TextForm):
    village = StringField(
        _l("Thôn, tổ dân phố"),
        validators=[
            DataRequired(_l("Vui lòng nhập thôn, tổ dân phố.")),
            Length(max=120, message=_l("Tối đa 120 ký tự.")),
        ],
    )
    matter = TextAreaField(
        _l("Nội dung Nhân dân bàn và quyết định"),
        validators=[
            DataRequired(_l("Vui lòng nêu nội dung được quyết định.")),
            Length(max=500, message=_l("Tối đa 500 ký tự.")),
        ],
    )
    decided_on = DayField(_l("Ngày họp, biểu quyết"), validators=[InputRequired(_l("Vui lòng nhập ngày."))])
    method = RadioField(
        _l("Hình thức"),
        choices=[
            ("meeting", _l("Họp thôn, tổ dân phố")),
            ("ballot", _l("Phát phiếu lấy ý kiến hộ gia đình")),
            ("online", _l("Biểu quyết trực tuyến")),
        ],
        validators=[InputRequired(_l("Vui lòng chọn hình thức."))],
    )
    households_total = WholeNumberField(
        _l("Tổng số hộ gia đình trong thôn, tổ dân phố"),
        validators=[
            InputRequired(_l("Vui lòng nhập tổng số hộ.")),
            NumberRange(min=1, max=MAX_HOUSEHOLDS, message=_l("Số hộ phải từ 1 đến 1.000.000.")),
        ],
    )
    households_participating = WholeNumberField(
        _l("Số hộ tham gia"),
        validators=[InputRequired(_l("Vui lòng nhập số hộ tham gia.")), NumberRange(min=0, max=MAX_HOUSEHOLDS)],
    )
    votes = FieldList(FormField(VoteForm), min_entries=2, max_entries=10)
    minutes = FileField(
        _l("Biên bản (PDF, ảnh hoặc văn bản)"), validators=[FileRequired(_l("Vui lòng đính kèm biên bản."))]
    )

    def validate_decided_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("Ngày họp, biểu quyết không thể ở tương lai."))

    def validate_households_participating(self, field):
        if field.data is not None and self.households_total.data and field.data > self.households_total.data:
            raise ValidationError(_l("Số hộ tham gia không thể lớn hơn tổng số hộ."))


class RuleForm(TextForm):
    amount = WholeNumberField(
        _l("Giá trị"),
        validators=[
            InputRequired(_l("Vui lòng nhập một số.")),
            NumberRange(min=1, max=365, message=_l("Giá trị phải từ 1 đến 365.")),
        ],
    )
