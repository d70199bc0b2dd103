"""Notice forms. All validation of notice content lives here (the import uses NoticeForm too)."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.clock import local_today
from app.dates import DayField
from app.glossary import NOTICE_CATEGORIES
from app.phones import InvalidPhoneNumber, to_e164
from app.sanitize import clean_html

# Control characters (other than tab and line breaks) and bidirectional overrides never belong in a
# notice: they hide or reorder text, and PostgreSQL refuses NUL in text columns.
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _normalise_text(value):
    # NFC, so that text typed on keyboards that compose diacritics differently compares and searches alike.
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


class TextForm(FlaskForm):
    """A form whose text fields are trimmed, NFC-normalised and free of control characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if unbound_field.field_class in (StringField, TextAreaField):
                filters = [_normalise_text, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            if isinstance(field.data, str) and _FORBIDDEN_CHARACTERS.search(field.data):
                field.errors.append(
                    _l("Có ký tự điều khiển không hợp lệ (thường do sao chép từ nơi khác); hãy xóa và gõ lại.")
                )
                valid = False
        return valid


class NoticeForm(TextForm):
    """What an official writes when posting or correcting a notice."""

    category = SelectField(
        _l("Lĩnh vực"),
        choices=[SelectChoice(key, label) for key, label in NOTICE_CATEGORIES.items()],
        validators=[InputRequired(_l("Vui lòng chọn lĩnh vực."))],
        validate_choice=True,
        invalid_choice_message=_l("Lĩnh vực không hợp lệ; hãy chọn một lĩnh vực trong danh sách."),
    )
    title = StringField(
        _l("Tiêu đề"),
        validators=[
            DataRequired(_l("Vui lòng nhập tiêu đề.")),
            Length(max=300, message=_l("Tiêu đề tối đa 300 ký tự.")),
        ],
    )
    summary = TextAreaField(
        _l("Tóm tắt (văn bản thường, tối đa 500 ký tự)"),
        validators=[
            DataRequired(_l("Vui lòng nhập tóm tắt nội dung.")),
            Length(max=500, message=_l("Tóm tắt tối đa 500 ký tự.")),
        ],
    )
    body_html = TextAreaField(
        _l("Nội dung chi tiết"),
        validators=[
            Optional(),
            Length(
                max=200_000, message=_l("Nội dung chi tiết tối đa 200.000 ký tự; phần dài hãy đưa vào tệp đính kèm.")
            ),
        ],
    )
    legal_reference = StringField(
        _l("Số, ký hiệu văn bản (ví dụ: Quyết định số 123/QĐ-UBND)"),
        validators=[Optional(), Length(max=200, message=_l("Số, ký hiệu văn bản tối đa 200 ký tự."))],
    )
    issued_on = DayField(_l("Ngày ban hành văn bản"), validators=[Optional()])
    posting_start = DayField(
        _l("Niêm yết từ ngày"),
        default=local_today,
        validators=[InputRequired(_l("Vui lòng nhập ngày bắt đầu niêm yết."))],
    )
    posting_end = DayField(
        _l("Niêm yết đến ngày"),
        validators=[InputRequired(_l("Vui lòng nhập ngày kết thúc niêm yết."))],
    )
    opinion_end = DayField(_l("Hạn góp ý (nếu có)"), validators=[Optional()])
    place = StringField(
        _l("Địa điểm niêm yết, thôn/tổ dân phố"),
        validators=[Optional(), Length(max=200, message=_l("Địa điểm tối đa 200 ký tự."))],
    )
    contact_name = StringField(
        _l("Họ tên cán bộ trả lời thắc mắc"),
        validators=[
            DataRequired(_l("Vui lòng nhập họ tên cán bộ được phân công trả lời.")),
            Length(max=120, message=_l("Họ tên tối đa 120 ký tự.")),
        ],
    )
    contact_position = StringField(
        _l("Chức vụ"), validators=[Optional(), Length(max=120, message=_l("Chức vụ tối đa 120 ký tự."))]
    )
    contact_phone = StringField(
        _l("Số điện thoại cán bộ"),
        validators=[
            DataRequired(_l("Vui lòng nhập số điện thoại của cán bộ trả lời thắc mắc.")),
            Length(max=30, message=_l("Số điện thoại tối đa 30 ký tự.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.posting_end.data is None and not self.is_submitted():
            start = self.posting_start.data or local_today()
            from app.notices.services import default_posting_period

            self.posting_end.data = default_posting_period(start)[1]

    def validate_contact_phone(self, field):
        try:
            self._phone_e164 = to_e164(field.data)
        except InvalidPhoneNumber as error:
            raise ValidationError(
                _l("Số điện thoại không hợp lệ; hãy nhập số di động hoặc cố định Việt Nam, ví dụ 0912 345 678.")
            ) from error

    def validate_posting_end(self, field):
        if field.data and self.posting_start.data and field.data < self.posting_start.data:
            raise ValidationError(_l("Ngày kết thúc niêm yết phải sau ngày bắt đầu."))

    def validate_issued_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("Ngày ban hành không thể ở tương lai."))
        if field.data and self.posting_start.data and field.data > self.posting_start.data:
            raise ValidationError(_l("Ngày ban hành văn bản phải trước hoặc trùng ngày bắt đầu niêm yết."))

    def validate_opinion_end(self, field):
        if field.data and self.posting_start.data and field.data < self.posting_start.data:
            raise ValidationError(_l("Hạn góp ý phải sau ngày bắt đầu niêm yết."))

    def validate_body_html(self, field):
        if field.data and "\x00" in field.data:
            raise ValidationError(_l("Nội dung chứa ký tự không hợp lệ."))

    def notice_fields(self):
        """Return the validated values, normalised for the services (E.164 phone, clean HTML)."""
        return {
            "category": self.category.data,
            "title": self.title.data,
            "summary": self.summary.data,
            "body_html": clean_html(self.body_html.data or ""),
            "legal_reference": self.legal_reference.data or "",
            "issued_on": self.issued_on.data,
            "posting_start": self.posting_start.data,
            "posting_end": self.posting_end.data,
            "opinion_end": self.opinion_end.data,
            "place": self.place.data or "",
            "contact_name": self.contact_name.data,
            "contact_position": self.contact_position.data or "",
            "contact_phone": self._phone_e164,
        }


class CorrectionForm(NoticeForm):
    """A correction of a published notice always says why."""

    reason = TextAreaField(
        _l("Lý do đính chính"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do đính chính; lý do được hiển thị công khai.")),
            Length(max=1000, message=_l("Lý do tối đa 1000 ký tự.")),
        ],
        filters=[_strip],
    )


class WithdrawForm(TextForm):
    reason = TextAreaField(
        _l("Lý do thu hồi"),
        validators=[
            DataRequired(_l("Vui lòng nêu lý do thu hồi; lý do được hiển thị công khai.")),
            Length(max=1000, message=_l("Lý do tối đa 1000 ký tự.")),
        ],
        filters=[_strip],
    )


class AttachmentForm(TextForm):
    file = FileField(_l("Tệp đính kèm"), validators=[FileRequired(_l("Vui lòng chọn tệp."))])
    reason = StringField(
        _l("Lý do (bắt buộc khi thông báo đã niêm yết)"),
        validators=[Optional(), Length(max=1000, message=_l("Lý do tối đa 1000 ký tự."))],
        filters=[_strip],
    )


class ConfirmForm(FlaskForm):
    """An empty form: a button that needs a CSRF token (publish, delete)."""


class RemoveAttachmentForm(TextForm):
    """Removing a file from a published notice is a correction: it says why."""

    reason = StringField(
        _l("Lý do gỡ tệp (bắt buộc khi thông báo đã niêm yết)"),
        validators=[Optional(), Length(max=1000, message=_l("Lý do tối đa 1000 ký tự."))],
    )
