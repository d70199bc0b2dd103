"""Filter forms of the inspectors' pages and the stats API (GET, no CSRF: they change nothing)."""

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.dates import DayField
from app.feedback.kinds import CHANNELS, FEEDBACK_KINDS
from app.feedback.states import STATUSES
from app.inspection.scope import MAX_PERIOD_DAYS, AuditScope, default_period

# Any year parses, so that check_day_in_range names the days the figures can cover.
ANY_YEAR = (1, 9999)
_DATE_MESSAGE = _l("Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy.")
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)  # far enough for any report; keeps date arithmetic away from year 9999
_CODE = Regexp(r"^[0-9A-Za-z]{1,16}$", message=_l("Mã đơn vị chỉ gồm chữ số (mã đơn vị hành chính), tối đa 16 ký tự."))


def kind_choices():
    return [SelectChoice("", _l("Tất cả loại hồ sơ"))] + [
        SelectChoice(key, kind.label) for key, kind in FEEDBACK_KINDS.items()
    ]


def channel_choices():
    return [SelectChoice("", _l("Mọi kênh tiếp nhận"))] + [SelectChoice(key, label) for key, label in CHANNELS.items()]


def check_day_in_range(field):
    """Refuse days the figures cannot be about (and whose neighbours Python cannot even compute)."""
    if field.data and not EARLIEST_DAY <= field.data <= LATEST_DAY:
        raise ValidationError(_("Ngày phải từ 01/01/2000 đến 31/12/2100."))


class WholeNumberField(IntegerField):
    """An IntegerField that says what is wrong in the site's language (WTForms' own message is English)."""

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 12):
            self.data = None
            raise ValueError(str(self.invalid_message or _("Hãy nhập một số nguyên dương.")))
        self.data = int(text)


class GetForm(FlaskForm):
    """A read-only filter form filled from the query string."""

    class Meta:
        csrf = False

    def __init__(self, args, **kwargs):
        super().__init__(formdata=args, **kwargs)

    def errors_by_field(self):
        """{query argument name: first error} for the API and the error summary."""
        return {field.name: str(field.errors[0]) for field in self if field.errors}


class FigureFilterForm(GetForm):
    """Unit, period, kind and channel: the scope of every figure, page and export."""

    unit = StringField(_l("Đơn vị"), validators=[Optional(), _CODE])
    date_from = DayField(_l("Từ ngày"), name="from", years=ANY_YEAR, message=_DATE_MESSAGE, validators=[Optional()])
    date_to = DayField(_l("Đến ngày"), name="to", years=ANY_YEAR, message=_DATE_MESSAGE, validators=[Optional()])
    kind = SelectField(
        _l("Loại hồ sơ"), choices=kind_choices, validate_choice=False, validators=[Optional()], default=""
    )
    channel = SelectField(
        _l("Kênh tiếp nhận"), choices=channel_choices, validate_choice=False, validators=[Optional()], default=""
    )

    def validate_unit(self, field):
        if field.data and AdministrativeUnit.by_code(field.data) is None:
            raise ValidationError(_("Không có đơn vị hành chính mã %(code)s.", code=field.data))

    def validate_kind(self, field):
        if field.data and field.data not in FEEDBACK_KINDS:
            raise ValidationError(_("Loại hồ sơ phải là một trong: %(kinds)s.", kinds=", ".join(FEEDBACK_KINDS)))

    def validate_channel(self, field):
        if field.data and field.data not in CHANNELS:
            raise ValidationError(_("Kênh tiếp nhận phải là một trong: %(channels)s.", channels=", ".join(CHANNELS)))

    def validate_date_from(self, field):
        check_day_in_range(field)

    def validate_date_to(self, field):
        check_day_in_range(field)
        if self.date_from.errors or not field.data and not self.date_from.data:
            return
        start, end = self.period()
        if start > end:
            raise ValidationError(_("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError(_("Khoảng thời gian tối đa là 10 năm."))

    def period(self):
        """(start, end): the dates given, or the default twelve months (a missing end is today)."""
        default_start, default_end = default_period()
        end = self.date_to.data or default_end
        start = self.date_from.data or (default_start if not self.date_to.data else end - timedelta(days=364))
        return start, end

    def scope(self, default_unit):
        """The AuditScope of a validated form; `default_unit` when no unit was given."""
        unit = AdministrativeUnit.by_code(self.unit.data) if self.unit.data else default_unit
        start, end = self.period()
        return AuditScope(unit, start, end, self.kind.data or None, channel=self.channel.data or None)


class ItemFilterForm(FigureFilterForm):
    """The item list: the figure filters plus status, official and "overdue only"."""

    status = SelectField(
        _l("Trạng thái"),
        choices=lambda: (
            [SelectChoice("", _l("Tất cả trạng thái"))] + [SelectChoice(key, label) for key, label in STATUSES.items()]
        ),
        validate_choice=False,
        validators=[Optional()],
        default="",
    )
    official = WholeNumberField(
        _l("Cán bộ (mã số)"),
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1, message=_l("Mã số cán bộ không hợp lệ."))],
        invalid_message=_l("Mã số cán bộ không hợp lệ."),
    )
    overdue = BooleanField(_l("Chỉ hồ sơ quá hạn hôm nay, dù tiếp nhận lúc nào"))

    def validate_status(self, field):
        if field.data and field.data not in STATUSES:
            raise ValidationError(_("Trạng thái không hợp lệ."))


class LogFilterForm(GetForm):
    """The audit log list: what happened, to what, by whom, when."""

    action = StringField(
        _l("Thao tác"),
        validators=[
            Optional(),
            Regexp(r"^[a-z_.]{1,60}$", message=_l("Thao tác gồm chữ thường, dấu chấm, gạch dưới.")),
        ],
    )
    object_type = StringField(
        _l("Loại đối tượng"),
        validators=[Optional(), Regexp(r"^[A-Za-z]{1,40}$", message=_l("Loại đối tượng chỉ gồm chữ cái."))],
    )
    actor = StringField(
        _l("Người thực hiện (tên đăng nhập)"),
        validators=[Optional(), Regexp(r"^[^\x00-\x1f\x7f]{1,64}$", message=_l("Tên đăng nhập không hợp lệ."))],
    )
    date_from = DayField(_l("Từ ngày"), name="from", years=ANY_YEAR, message=_DATE_MESSAGE, validators=[Optional()])
    date_to = DayField(_l("Đến ngày"), name="to", years=ANY_YEAR, message=_DATE_MESSAGE, validators=[Optional()])

    def validate_date_from(self, field):
        check_day_in_range(field)

    def validate_date_to(self, field):
        check_day_in_range(field)
        if field.data and self.date_from.data and not self.date_from.errors and self.date_from.data > field.data:
            raise ValidationError(_("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))


class AnnualReportForm(GetForm):
    """Which year and unit the annual report covers."""

    unit = StringField(_l("Đơn vị"), validators=[Optional(), _CODE])
    year = WholeNumberField(
        _l("Năm"),
        validators=[NumberRange(min=2000, max=2100, message=_l("Năm phải từ 2000 đến 2100."))],
        invalid_message=_l("Năm phải là một số, ví dụ 2025."),
        default=lambda: local_today().year,
    )

    def validate_unit(self, field):
        if field.data and AdministrativeUnit.by_code(field.data) is None:
            raise ValidationError(_("Không có đơn vị hành chính mã %(code)s.", code=field.data))
