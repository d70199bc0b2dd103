"""Error pages for people and JSON errors for the API."""

from flask import flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db


class FieldError(ValueError):
    """A service's refusal a form can show: `message` says why in Vietnamese, `field` names the form field at
    fault, or None (see show_form_error). Each domain's refusals are subclasses."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _messages():
    return {
        400: _("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại thông tin đã nhập."),
        401: _("Vui lòng đăng nhập để tiếp tục."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy trang hoặc thông tin bạn cần."),
        405: _("Thao tác này không được hỗ trợ."),
        413: _("Tệp tải lên quá lớn."),
        422: _("Thông tin chưa hợp lệ."),
        429: _("Bạn thao tác quá nhanh. Vui lòng đợi một lát rồi thử lại."),
        500: _("Hệ thống gặp sự cố. Thông tin của bạn chưa bị mất; vui lòng thử lại sau ít phút."),
    }


def show_form_error(form, error):
    """Put a service's refusal (a FieldError: `error.message`) under the form field it names (`error.field`),
    or flash it when it names none or a field the form lacks."""
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def wants_json():
    """API paths answer in JSON."""
    return request.path.startswith("/api/")


def error_response(status, message=None, **extra):
    """Render an error for a person or for the API, with a Vietnamese message."""
    message = message or _messages().get(status) or _messages()[400]
    if wants_json():
        return jsonify(message=message, status=status, **extra), status
    return render_template("errors/error.html", status=status, message=message), status


def init_error_handlers(app):
    @app.errorhandler(CSRFError)
    def handle_csrf(error):
        return error_response(
            400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại.")
        )

    @app.errorhandler(HTTPException)
    def handle_http(error):
        if isinstance(error, InternalServerError):
            return handle_unexpected(error)
        message = None
        if error.code == 413:
            limit_mb = app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024)
            message = _("Tệp tải lên quá lớn. Mỗi tệp tối đa %(mb)s MB.", mb=limit_mb)
        return error_response(error.code or 500, message)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500)
