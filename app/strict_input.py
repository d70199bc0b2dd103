"""Bad input answers 400 with a Vietnamese message, never 500 (core: every layer may use it).

Two guards, each in one place:

- `read_json()` decodes a request's JSON body strictly, for every JSON endpoint: UTF-8 only, no NaN or
  Infinity, at most MAX_JSON_DEPTH levels of nesting (checked before parsing, so a body nested thousands
  of levels deep never reaches the recursive parser), and no string (key or value) holding a NUL
  character or a lone UTF-16 surrogate escape such as "\\ud800" (which no encoder can write out).
- A safety net under every form: a text parameter sent to the database that holds a NUL or a lone
  surrogate raises `BadInput` before it reaches the driver (PostgreSQL refuses NUL in text, and neither
  driver can encode a surrogate), and `init_strict_input` turns it into a 400 page or JSON error. Forms
  keep refusing control characters field by field with their own messages; this net catches what any
  form, query string or path lets through, the same way on SQLite and PostgreSQL.
"""

import json
import re

from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.errors import error_response
from app.extensions import db

MAX_JSON_DEPTH = 32
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
# A JSON string (escapes included), unrolled so that long strings do not backtrack.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BadInput(ValueError):
    """Input refused before it could do harm; `message` is for the person or client who sent it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def bad_character_message(text):
    """The message for the first NUL or lone surrogate in `text`, or None if it has neither."""
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return None
    if match.group() == "\x00":
        return _("Thông tin gửi lên có ký tự NUL (mã 0), không được phép; hãy xóa ký tự đó rồi gửi lại.")
    return _(
        "Thông tin gửi lên có mã UTF-16 thay thế đứng lẻ (U+D800–U+DFFF), không phải ký tự hợp lệ; hãy sửa rồi gửi lại."
    )


def nesting_depth(text, limit=MAX_JSON_DEPTH):
    """How deep `text`'s arrays and objects nest, counting no further than limit + 1."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        else:
            depth -= 1
    return deepest


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _check_strings(value):
    """Raise BadInput for the first string (key or value) holding NUL or a lone surrogate."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            message = bad_character_message(value)
            if message:
                raise BadInput(message)
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def decode_json(data, max_depth=MAX_JSON_DEPTH):
    """Decode JSON bytes strictly; return the value or raise BadInput with a Vietnamese message."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(_("Dữ liệu JSON không hợp lệ: không phải văn bản UTF-8.")) from error
    text = text.removeprefix("\ufeff")
    if nesting_depth(text, max_depth) > max_depth:
        raise BadInput(_("Dữ liệu JSON lồng nhau quá sâu (tối đa %(depth)s cấp).", depth=max_depth))
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:  # ValueError: syntax, and integers of over 4,300 digits
        raise BadInput(_("Dữ liệu JSON không hợp lệ (sai cú pháp hoặc không phải UTF-8).")) from error
    _check_strings(value)
    return value


def read_json(request, max_depth=MAX_JSON_DEPTH):
    """The request's JSON body, decoded strictly (see decode_json).

    Reading the body raises RequestEntityTooLarge past `request.max_content_length`.
    """
    return decode_json(request.get_data(cache=True), max_depth)


def _check_parameter(value):
    if isinstance(value, str):
        message = bad_character_message(value)
        if message:
            raise BadInput(message)
    elif isinstance(value, dict):
        for item in value.values():
            _check_parameter(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_parameter(item)


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_bad_text(connection, cursor, statement, parameters, context, executemany):
    _check_parameter(parameters)


def init_strict_input(app):
    """Answer BadInput, wherever it is raised during a request, with 400 and its message."""

    @app.errorhandler(BadInput)
    def handle_bad_input(error):
        db.session.rollback()
        return error_response(400, error.message)
