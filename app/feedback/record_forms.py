"""The official's form for a phone call, a visit or a letter recorded into the queue (/manage/queue/new).

It is the citizen's FeedbackForm (the same kinds, unit and notice rules, text limits, phone in E.164,
identity rules, consent and how the citizen is told, worded for the official) with what only an official
gives: the channel and when it was received. Photos and the honeypot are the citizen page's only.
"""

import re
from datetime import UTC, datetime, time, timedelta

import phonenumbers
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import TextInput

from app.clock import LOCAL_TZ, to_local, utcnow
from app.dates import DayField
from app.feedback.forms import FeedbackForm
from app.feedback.identities import SEALED_KINDS
from app.feedback.kinds import CHANNELS, RECORDED_CHANNELS

# How far back a contact may be recorded: a typo in the year must not put an item decades back.
OLDEST_RECORDABLE = timedelta(days=365)
_TIME = re.compile(r"^(\d{1,2})\s*[:hH.]\s*(\d{2})?$")
# How the citizen is told: FeedbackForm.notify_by's values, worded for the official; "" picks by the contact given
# (SMS to a mobile first: the "the tracking code is sent by SMS when a phone was given").
NOTIFY_LABELS = [
    (
        "",
        _l("Tự động: SMS nếu có số di động, nếu không thì email; đơn tố cáo: không gửi nếu người tố cáo không yêu cầu"),
    ),
    ("sms", _l("Tin nhắn SMS đến số điện thoại trên")),
    ("email", _l("Email đến địa chỉ trên")),
    ("zalo", _l("Zalo theo số điện thoại trên (không được thì gửi SMS)")),
    ("none", _l("Không gửi (người dân ghi lại mã)")),
]
PHONE_CHANNELS = frozenset({"sms", "zalo"})
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def local_now():
    """Now in Vietnam, to the minute (what the form shows and compares)."""
    return to_local(utcnow()).replace(second=0, microsecond=0)


def is_mobile_number(e164):
    """Whether a stored E.164 number can receive SMS and Zalo (a mobile, not a fixed line)."""
    return phonenumbers.number_type(phonenumbers.parse(e164, "VN")) in _MOBILE_TYPES


class TimeInput(TextInput):
    input_type = "time"


class TimeOfDayField(Field):
    """A time of day: the browser's time input sends HH:MM; typed text like 9:05 or 9h05 is read too."""

    widget = TimeInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        self.data = None
        if not text:
            return
        match = _TIME.match(text)
        if match and int(match.group(1)) < 24 and int(match.group(2) or 0) < 60:
            self.data = time(int(match.group(1)), int(match.group(2) or 0))
            return
        raise ValueError(_("Giờ không hợp lệ; hãy nhập giờ:phút, ví dụ 09:30 hoặc 14:05."))


class RecordFeedbackForm(FeedbackForm):
    """What an official types while a citizen calls, visits or writes: the citizen form plus how and when."""

    photos = None
    website = None
    channel = RadioField(
        _l("Người dân liên hệ qua"),
        choices=[SelectChoice(key, CHANNELS[key]) for key in RECORDED_CHANNELS],
        default=RECORDED_CHANNELS[0],
        validate_choice=True,
        invalid_choice_message=_l("Hãy chọn điện thoại, trực tiếp tại UBND hoặc thư/đơn giấy."),
    )
    received_day = DayField(_l("Ngày nhận"), validators=[InputRequired(_l("Vui lòng nhập ngày nhận."))])
    received_time = TimeOfDayField(_l("Giờ nhận"), validators=[InputRequired(_l("Vui lòng nhập giờ nhận."))])

    def __init__(self, *args, within=None, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.within = within  # the official's unit: the item's unit must be it or under it
        # An official writes about the citizen, not as the citizen.
        self.kind.label.text = _("Loại ý kiến")
        self.text.label.text = _("Người dân hỏi, phản ánh, đề nghị gì")
        self.consent.label.text = _(
            "Người dân đồng ý để UBND xã sử dụng các thông tin cá nhân trên chỉ để giải quyết và trả lời ý kiến này, "
            "không công khai và không dùng vào việc khác."
        )
        self.notify_by.label.text = _("Gửi mã theo dõi và tin báo kết quả cho người dân qua")
        self.notify_by.choices = [SelectChoice(value, label) for value, label in NOTIFY_LABELS]
        self.now = now or local_now()
        if not self.is_submitted():
            self.notify_by.data = ""
            self.received_day.data = self.received_day.data or self.now.date()
            self.received_time.data = self.received_time.data or self.now.time()
        self.received_at = None

    def validate_unit(self, field):
        super().validate_unit(field)
        if self.within is not None and self.target_unit is not None and not self.within.contains(self.target_unit):
            raise ValidationError(
                _(
                    "%(unit)s không thuộc đơn vị của bạn; chỉ ghi nhận được ý kiến gửi đến đơn vị bạn phụ trách.",
                    unit=self.target_unit.name,
                )
            )

    def validate_received_time(self, field):
        if field.data is None or self.received_day.data is None:
            return
        moment = datetime.combine(self.received_day.data, field.data, tzinfo=LOCAL_TZ)
        if moment > self.now:
            raise ValidationError(
                _(
                    "Thời điểm nhận không được sau lúc này (%(now)s); hãy nhập lúc người dân gọi, đến hoặc "
                    "thư đến, không muộn hơn bây giờ.",
                    now=self.now.strftime("%H:%M %d/%m/%Y"),
                )
            )
        if moment < self.now - OLDEST_RECORDABLE:
            raise ValidationError(
                _("Chỉ ghi nhận được ý kiến nhận trong vòng một năm qua; hãy kiểm tra lại ngày nhận (dd/mm/yyyy).")
            )
        self.received_at = moment.astimezone(UTC)

    def validate_notify_by(self, field):
        super().validate_notify_by(field)
        if field.data in PHONE_CHANNELS and self._phone_e164 and not is_mobile_number(self._phone_e164):
            raise ValidationError(
                _("Số điện thoại đã nhập là số cố định, không nhận được SMS hay Zalo; hãy chọn cách khác.")
            )

    def _default_notify_choice(self):
        """Automatic: the tracking code goes by SMS when a mobile number was given (read out on the phone or
        at the desk, a code is easily lost), else by e-mail; a denouncer's only if they ask."""
        if self.kind.data in SEALED_KINDS:
            return "none"
        if self._phone_e164 and is_mobile_number(self._phone_e164):
            return "sms"
        return "email" if self.email.data else "none"

    def notification_target(self):
        """The citizen form's choice, except that nothing is texted to a fixed line when "automatic" chose SMS."""
        channel, address = super().notification_target()
        if channel in PHONE_CHANNELS and not is_mobile_number(address):
            return None, None
        return channel, address

    def submission(self):
        """The validated values as intake.submit_feedback takes them, with the channel and the time received."""
        return {**super().submission(), "channel": self.channel.data, "received_at": self.received_at}
