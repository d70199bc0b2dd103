"""The forms that take a unit's private key: opening an identity, and forwarding a sealed denunciation.

The key arrives as an uploaded key file or as pasted text (the key line, or what a phone read from the
printed QR code). It is read in memory by the view and never stored; an upload this small never
leaves memory either (Werkzeug spools files to disk only past 500 KB).
"""

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms import FileField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.feedback.sealing import MAX_KEY_FILE_BYTES
from app.notices.forms import TextForm

REASON_MAX = 500


def key_file_field():
    return FileField(_l("Tệp khóa bí mật của đơn vị (.key)"))


def key_text_field():
    return TextAreaField(
        _l("Hoặc dán khóa (dòng bắt đầu bằng CONGKHAI-SECRET-KEY-1:, cũng là nội dung mã QR in trên giấy)"),
        validators=[Optional(), Length(max=MAX_KEY_FILE_BYTES, message=_l("Khóa dán vào quá dài."))],
    )


def submitted_key(form):
    """The key as sent (a file's bytes, else the pasted text), or None: for identities.read_key."""
    upload = form.key_file.data
    if isinstance(upload, FileStorage) and upload.filename:
        return upload.stream.read(MAX_KEY_FILE_BYTES + 1)
    return form.key_text.data or None


class UnsealForm(TextForm):
    """Show a complaint's identity, or open a sealed denunciation's with the unit's key, saying why."""

    key_file = key_file_field()
    key_text = key_text_field()
    reason = TextAreaField(
        _l("Lý do xem danh tính (ghi vào nhật ký kiểm tra)"),
        validators=[
            DataRequired(_l("Vui lòng ghi lý do xem danh tính; lý do được ghi vào nhật ký kiểm tra.")),
            Length(max=REASON_MAX, message=_l("Lý do tối đa %(max)s ký tự.", max=REASON_MAX)),
        ],
    )


class SealedRequestForm(TextForm):
    """The browser's request for the sealed boxes: the reason only (the key stays on the official's computer)."""

    reason = UnsealForm.reason
