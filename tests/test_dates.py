"""The dd/mm/yyyy date field: both written forms read, impossible days and far years refused in Vietnamese,
the value shown back as dd/mm/yyyy in a text input the browser cannot turn into mm/dd/yyyy."""

from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, Optional

from app.dates import DateFormatError, DayField, parse_day

FORMAT = "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026."


class DayForm(FlaskForm):
    class Meta:
        csrf = False

    day = DayField("Ngày", validators=[InputRequired("Vui lòng nhập ngày.")])
    until = DayField("Đến", validators=[Optional()])


@pytest.fixture
def form_of(app):
    with app.test_request_context():

        def make(**values):
            form = DayForm(formdata=MultiDict(values))
            form.validate()
            return form

        yield make


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2026", date(2026, 3, 5)),
        ("5/3/2026", date(2026, 3, 5)),
        (" 29/02/2028 ", date(2028, 2, 29)),
        ("2026-03-05", date(2026, 3, 5)),
        ("31/12/2100", date(2100, 12, 31)),
        ("01/01/1900", date(1900, 1, 1)),
    ],
)
def test_both_written_forms_are_read(app, text, expected):
    with app.test_request_context():
        assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_is_no_date(app, text):
    with app.test_request_context():
        assert parse_day(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", FORMAT),
        ("29/02/2027", FORMAT),
        ("2026-02-30", FORMAT),
        ("00/01/2026", FORMAT),
        ("05/13/2026", FORMAT),
        ("03-05-2026", FORMAT),
        ("05.03.2026", FORMAT),
        ("hôm nay", FORMAT),
        ("05/03/26", FORMAT),
        ("05/03/0001", "Năm phải từ 1900 đến 2100."),
        ("31/12/9999", "Năm phải từ 1900 đến 2100."),
        ("1899-12-31", "Năm phải từ 1900 đến 2100."),
    ],
)
def test_impossible_or_far_days_are_refused_in_vietnamese(app, text, message):
    with app.test_request_context(), pytest.raises(DateFormatError) as refused:
        parse_day(text)
    assert str(refused.value) == message


def test_field_reads_and_shows_back_dd_mm_yyyy(form_of):
    form = form_of(day="2026-03-05", until="7/3/2026")
    assert not form.errors
    assert (form.day.data, form.until.data) == (date(2026, 3, 5), date(2026, 3, 7))
    html = DayForm(data={"day": date(2026, 3, 5)}).day()
    for attribute in (
        'type="text"',
        'value="05/03/2026"',
        'inputmode="numeric"',
        'placeholder="dd/mm/yyyy"',
        "pattern=",
    ):
        assert attribute in html


def test_field_keeps_what_was_typed_and_says_what_is_wrong(form_of):
    form = form_of(day="31/02/2026", until="x")
    assert form.day.data is None and form.errors == {"day": [FORMAT], "until": [FORMAT]}
    assert 'value="31/02/2026"' in form.day()


def test_required_and_optional_fields(form_of):
    assert form_of(day="", until="").errors == {"day": ["Vui lòng nhập ngày."]}
    assert form_of(day="01/01/2026").until.data is None
