"""Citizens' forms: submitting to the queue and rating an answer.

`FeedbackForm` is the one set of rules for a submission: the page uses it with the request's
form, the JSON API with a MultiDict built from the body (`meta={"csrf": False}`).
Messages are built with gettext at validation time (plain strings, escaped like any text),
because some of them quote what the citizen typed.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, HiddenField, MultipleFileField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.accounts.models import AdministrativeUnit
from app.extensions import db
from app.feedback.idempotency import idempotency_key_or_none
from app.feedback.identities import SEALED_KINDS
from app.feedback.identity_fields import check_identity, id_number_problem, normalise_id_number
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.photos import MAX_PHOTOS, RejectedPhoto, clean_photo, max_photo_bytes
from app.glossary import UNIT_KINDS
from app.notices.forms import TextForm
from app.notices.models import Notice
from app.phones import InvalidPhoneNumber, to_e164

MAX_TEXT_LENGTH = 20_000
MAX_COMMENT_LENGTH = 2_000
MAX_NOTICE_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
MAX_UNIT_CODE_LENGTH = 16
# Units that receive citizens' feedback: the communes, wards and special zones of today.
RECEIVING_UNIT_KINDS = frozenset({"commune", "ward", "special_zone"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _unix_newlines(value):
    # Browsers send line breaks as CRLF; count and store each as one character.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def number_text(number):
    """Write a whole number the Vietnamese way: 20.000."""
    return f"{number:,}".replace(",", ".")


def size_text(size):
    """Write a size in bytes as KB or MB with a decimal comma."""
    if size >= 1024 * 1024:
        return _("%(number)s MB", number=f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ","))
    return _("%(number)s KB", number=max(1, round(size / 1024)))


def _kinds_text():
    return "; ".join(f"{kind.label} ({identifier})" for identifier, kind in FEEDBACK_KINDS.items())


def _photo_message(reason, name):
    limit = size_text(max_photo_bytes())
    if reason == "empty":
        return _("Ảnh “%(name)s” rỗng (0 byte); hãy chọn lại ảnh.", name=name)
    if reason == "too_large":
        return _("Ảnh “%(name)s” quá lớn; mỗi ảnh tối đa %(limit)s.", name=name, limit=limit)
    if reason == "too_many_pixels":
        return _("Ảnh “%(name)s” có kích thước điểm ảnh quá lớn; hãy chụp lại hoặc thu nhỏ ảnh.", name=name)
    if reason == "type":
        return _(
            "Tệp “%(name)s” không phải ảnh JPG, PNG hoặc WebP (loại tệp được kiểm tra theo nội dung, "
            "không theo đuôi tên tệp).",
            name=name,
        )
    return _("Ảnh “%(name)s” bị hỏng hoặc không đọc được; hãy chọn ảnh khác.", name=name)


def _file_name(storage):
    name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(character for character in name if character.isprintable())[:80] or _("(không tên)")


def _unit_refusal(unit):
    """Why a unit that exists cannot receive feedback: its level, or that it was merged away."""
    if unit.kind not in RECEIVING_UNIT_KINDS:
        return _(
            "Không có xã, phường mã “%(code)s”: %(name)s là cấp %(level)s, không nhận ý kiến qua trang này; "
            "hãy chọn một xã, phường trong danh sách.",
            code=unit.code,
            name=unit.name,
            level=str(UNIT_KINDS.get(unit.kind, unit.kind)).lower(),
        )
    if unit.successor is not None and unit.successor.is_current:
        return _(
            "Không có xã, phường mã “%(code)s”: %(name)s không còn tồn tại sau khi sắp xếp đơn vị hành chính; "
            "hãy chọn %(successor)s (đơn vị kế thừa) hoặc xã, phường khác trong danh sách.",
            code=unit.code,
            name=unit.name,
            successor=unit.successor.name,
        )
    return _(
        "Không có xã, phường mã “%(code)s”: %(name)s không còn tồn tại sau khi sắp xếp đơn vị hành chính; "
        "hãy chọn xã, phường trong danh sách.",
        code=unit.code,
        name=unit.name,
    )


# How the citizen is told of progress; none chosen = e-mail if given, else SMS if a phone is given (a denouncer:
# not told unless they choose).
NOTIFY_CHOICES = {
    "email": _l("Email"),
    "sms": _l("Tin nhắn SMS"),
    "zalo": _l("Zalo (nếu không gửi được thì nhắn SMS)"),
    "none": _l("Không cần báo, tôi tự tra cứu bằng mã theo dõi"),
}


class FeedbackForm(TextForm):
    """A question, petition, information request, complaint or denunciation, as a citizen sends it."""

    kind = RadioField(
        _l("Bạn muốn gửi"),
        choices=[SelectChoice(key, kind.label) for key, kind in FEEDBACK_KINDS.items()],
        validate_choice=False,
    )
    notice = StringField(_l("Thông báo liên quan"))
    unit = StringField(_l("Xã, phường nhận ý kiến"))
    text = TextAreaField(
        _l("Nội dung"),
        filters=[_unix_newlines],
        validators=[DataRequired(_l("Vui lòng viết nội dung bạn muốn hỏi, phản ánh hoặc đề nghị."))],
    )
    name = StringField(
        _l("Họ và tên"), validators=[Optional(), Length(max=120, message=_l("Họ và tên tối đa 120 ký tự."))]
    )
    phone = StringField(
        _l("Số điện thoại"), validators=[Optional(), Length(max=30, message=_l("Số điện thoại tối đa 30 ký tự."))]
    )
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254, message=_l("Email tối đa 254 ký tự."))])
    address = StringField(
        _l("Địa chỉ"), validators=[Optional(), Length(max=300, message=_l("Địa chỉ tối đa 300 ký tự."))]
    )
    id_number = StringField(
        _l("Số căn cước công dân (CCCD)"),
        filters=[normalise_id_number],
        validators=[Optional(), Length(max=40, message=_l("Số CCCD gồm 12 chữ số."))],
    )
    consent = BooleanField(
        _l(
            "Tôi đồng ý để UBND xã sử dụng thông tin cá nhân này chỉ để giải quyết và trả lời ý kiến của tôi, "
            "không công khai và không dùng vào việc khác."
        )
    )
    notify_by = RadioField(
        _l("Báo cho tôi khi ý kiến có tiến triển qua"),
        choices=[SelectChoice(key, label) for key, label in NOTIFY_CHOICES.items()],
        validate_choice=False,
    )
    photos = MultipleFileField(_l("Ảnh (không bắt buộc)"))
    # Honeypot: hidden from people (CSS and aria-hidden); only robots fill it in.
    website = StringField(_l("Trang web (để trống)"))
    # A one-time token put in the page: a double click or a resent form finds the first item.
    idempotency_key = HiddenField(filters=[idempotency_key_or_none])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.linked_notice = None
        self.target_unit = None
        self.clean_photos = []
        self._phone_e164 = ""

    # --- one field at a time -------------------------------------------------------------------

    def validate_kind(self, field):
        if not field.data:
            raise ValidationError(_("Vui lòng chọn loại ý kiến bạn muốn gửi."))
        if field.data not in FEEDBACK_KINDS:
            raise ValidationError(_("Loại ý kiến không hợp lệ; hãy chọn một trong: %(kinds)s.", kinds=_kinds_text()))

    def validate_notice(self, field):
        if not field.data:
            return
        text = field.data.strip()
        notice = None
        if text.isascii() and text.isdigit() and int(text) <= MAX_NOTICE_ID:
            notice = db.session.get(Notice, int(text))
        if notice is None or not notice.is_public:
            raise ValidationError(
                _(
                    "Không tìm thấy thông báo số %(id)s đang công khai. Hãy mở lại thông báo và bấm "
                    "“Hỏi về thông báo này”, hoặc gửi ý kiến không gắn với thông báo nào.",
                    id=text[:20],
                )
            )
        self.linked_notice = notice

    def validate_unit(self, field):
        code = (field.data or "").strip()
        if self.linked_notice is not None:
            # The notice decides where the question goes.
            if code and code != self.linked_notice.unit.code:
                raise ValidationError(
                    _(
                        "Thông báo này của %(unit)s; ý kiến về thông báo được gửi đến đơn vị đó "
                        "(bỏ trống mục xã, phường hoặc chọn đúng đơn vị).",
                        unit=self.linked_notice.unit.name,
                    )
                )
            self.target_unit = self.linked_notice.unit
            return
        if self.notice.data and self.notice.errors:
            return  # the notice is wrong; say that, not that the unit is missing
        if not code:
            raise ValidationError(_("Vui lòng chọn xã, phường nhận ý kiến của bạn."))
        unit = AdministrativeUnit.by_code(code) if len(code) <= MAX_UNIT_CODE_LENGTH else None
        if unit is None:
            raise ValidationError(
                _("Không có xã, phường mã “%(code)s”; hãy chọn xã, phường trong danh sách.", code=code[:20])
            )
        if unit.kind not in RECEIVING_UNIT_KINDS or not unit.is_current:
            raise ValidationError(_unit_refusal(unit))
        self.target_unit = unit

    def validate_text(self, field):
        length = len(field.data or "")
        if length > MAX_TEXT_LENGTH:
            raise ValidationError(
                _(
                    "Nội dung tối đa %(limit)s ký tự; bạn đã viết %(count)s ký tự. "
                    "Hãy rút gọn, hoặc gửi phần còn lại thành một ý kiến khác.",
                    limit=number_text(MAX_TEXT_LENGTH),
                    count=number_text(length),
                )
            )

    def validate_phone(self, field):
        if not field.data:
            return
        try:
            self._phone_e164 = to_e164(field.data)
        except InvalidPhoneNumber as error:
            raise ValidationError(
                _("Số điện thoại không hợp lệ; hãy nhập số di động hoặc cố định Việt Nam, ví dụ 0912 345 678.")
            ) from error

    def validate_id_number(self, field):
        if field.data and (problem := id_number_problem(field.data)):
            raise ValidationError(problem)

    def validate_email(self, field):
        if field.data and not _EMAIL.match(field.data):
            raise ValidationError(_("Email không hợp lệ; hãy nhập theo dạng ten@vidu.vn."))

    def validate_photos(self, field):
        uploads = [item for item in (field.data or []) if isinstance(item, FileStorage) and item.filename]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                _("Chỉ gửi được tối đa %(max)s ảnh; bạn đã chọn %(count)s ảnh.", max=MAX_PHOTOS, count=len(uploads))
            )
        limit = max_photo_bytes()
        errors, clean = [], []
        for upload in uploads:
            try:
                clean.append(clean_photo(upload.stream.read(limit + 1), limit))
            except RejectedPhoto as rejection:
                errors.append(_photo_message(rejection.reason, _file_name(upload)))
        if errors:
            field.errors.extend(errors[:-1])
            raise ValidationError(errors[-1])
        self.clean_photos = clean

    # --- rules across fields -------------------------------------------------------------------

    def has_personal_details(self):
        return any((self.name.data, self.phone.data, self.email.data, self.address.data, self.id_number.data))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators=extra_validators)
        kind = FEEDBACK_KINDS.get(self.kind.data)
        if kind is not None and kind.is_identity_required:
            valid = check_identity(self, kind) and valid
        if self.has_personal_details() and not self.consent.data:
            self.consent.errors.append(
                _(
                    "Bạn đã ghi thông tin cá nhân: vui lòng đánh dấu ô đồng ý để xã được dùng thông tin đó, "
                    "hoặc xóa các thông tin đó nếu muốn gửi không ghi danh."
                )
            )
            valid = False
        return valid

    def validate_notify_by(self, field):
        choice = field.data or ""
        if choice and choice not in NOTIFY_CHOICES:
            raise ValidationError(_("Cách nhận thông báo không hợp lệ; hãy chọn email, SMS, Zalo hoặc không cần báo."))
        if choice == "email" and not self.email.data:
            raise ValidationError(_("Bạn chọn nhận thông báo qua email: vui lòng nhập email ở trên."))
        if choice in ("sms", "zalo") and not self.phone.data:
            raise ValidationError(_("Bạn chọn nhận thông báo qua SMS hoặc Zalo: vui lòng nhập số điện thoại ở trên."))

    def notification_target(self):
        """(channel, address) the citizen is told on, or (None, None). Without a choice: e-mail if given, else
        SMS; a denouncer only if they ask (their contact is sealed with the identity)."""
        choice = self.notify_by.data or self._default_notify_choice()
        if choice == "email" and self.email.data:
            return "email", self.email.data
        if choice in ("sms", "zalo") and self._phone_e164:
            return choice, self._phone_e164
        return None, None

    def _default_notify_choice(self):
        if self.kind.data in SEALED_KINDS:
            return "none"
        return "email" if self.email.data else "sms" if self._phone_e164 else "none"

    def is_honeypot_filled(self):
        return bool((self.website.data or "").strip())

    def submission(self):
        """Return the validated values as `intake.submit_feedback` takes them (E.164 phone)."""
        has_details = self.has_personal_details()
        notify_channel, notify_address = self.notification_target() if has_details else (None, None)
        return {
            "kind": self.kind.data,
            "unit": self.target_unit,
            "notice": self.linked_notice,
            "text": self.text.data,
            "name": self.name.data or "",
            "phone": self._phone_e164,
            "email": self.email.data or "",
            "address": self.address.data or "",
            "id_number": self.id_number.data or "",
            "has_consented": bool(has_details and self.consent.data),
            "notify_channel": notify_channel,
            "notify_address": notify_address,
            "idempotency_key": self.idempotency_key.data,
        }


RATING_CHOICES = [
    SelectChoice("5", _l("5 – Rất hài lòng")),
    SelectChoice("4", _l("4 – Hài lòng")),
    SelectChoice("3", _l("3 – Tạm được")),
    SelectChoice("2", _l("2 – Chưa hài lòng")),
    SelectChoice("1", _l("1 – Rất không hài lòng")),
]


class RatingForm(TextForm):
    """The citizen's 1–5 rating of an answer, with an optional comment."""

    rating = RadioField(_l("Bạn đánh giá câu trả lời thế nào?"), choices=RATING_CHOICES, validate_choice=False)
    comment = TextAreaField(
        _l("Nhận xét (không bắt buộc)"),
        validators=[
            Optional(),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=_l("Nhận xét tối đa %(max)s ký tự.", max=number_text(MAX_COMMENT_LENGTH)),
            ),
        ],
    )

    def validate_rating(self, field):
        if field.data not in {choice.value for choice in RATING_CHOICES}:
            raise ValidationError(_("Vui lòng chọn một mức đánh giá từ 1 đến 5."))


class InformationForm(TextForm):
    """What the citizen adds when the commune asked for more information (tracking page)."""

    text = TextAreaField(
        _l("Thông tin bổ sung"),
        filters=[_unix_newlines],
        validators=[
            DataRequired(_l("Vui lòng viết thông tin xã đề nghị bổ sung.")),
            Length(
                max=MAX_TEXT_LENGTH,
                message=_l("Thông tin bổ sung tối đa %(max)s ký tự.", max=number_text(MAX_TEXT_LENGTH)),
            ),
        ],
    )
