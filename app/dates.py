"""Dates as people write them: dd/mm/yyyy typed and shown whatever the browser's language; ISO still read."""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
PLACEHOLDER = "dd/mm/yyyy"
# What the browser lets through before the server says more; ISO for links written before this field.
HTML_PATTERN = r"\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\s*"
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
FORMAT_MESSAGE = _l("Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026.")


class DateFormatError(ValueError):
    """Text that is not a date of the calendar in dd/mm/yyyy or ISO form; its message says why in Vietnamese."""


def parse_day(text, years=(EARLIEST_YEAR, LATEST_YEAR), message=FORMAT_MESSAGE):
    """Return the date `text` names (dd/mm/yyyy or yyyy-mm-dd), None when blank; raise DateFormatError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise DateFormatError(str(message))
        year, month, day = (int(part) for part in match.groups())
    if not years[0] <= year <= years[1]:
        raise DateFormatError(_("Năm phải từ %(first)s đến %(last)s.", first=years[0], last=years[1]))
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(str(message)) from None


def format_day(value):
    """Return `value` as dd/mm/yyyy ('' for None)."""
    return value.strftime("%d/%m/%Y") if value else ""


def typed_day(text):
    """Return a day from a query string as a person writes it (dd/mm/yyyy); text that is no date, unchanged."""
    try:
        return format_day(parse_day(text))
    except DateFormatError:
        return text


class DayInput(TextInput):
    """A text input for dd/mm/yyyy: digits keyboard on phones, the shape shown and checked by the browser."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("pattern", HTML_PATTERN)
        kwargs.setdefault("placeholder", PLACEHOLDER)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("maxlength", 10)
        kwargs.setdefault("title", str(FORMAT_MESSAGE))
        return super().__call__(field, **kwargs)


class DayField(Field):
    """A date typed as dd/mm/yyyy (ISO also read, for links and clients), shown back as dd/mm/yyyy."""

    widget = DayInput()

    def __init__(
        self, label=None, validators=None, years=(EARLIEST_YEAR, LATEST_YEAR), message=FORMAT_MESSAGE, **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.years, self.message = years, message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_day(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_day(valuelist[0], self.years, self.message)
        except DateFormatError as error:
            self.data = None
            raise ValueError(str(error)) from None
