"""POST /api/v1/feedback and GET /api/v1/feedback/<code>.

The same rules as the page: the JSON body is checked by `FeedbackForm` (without CSRF: the API uses
no cookies), and the same rate limits apply per IP. Photos are sent through the page only.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import blueprint
from app.errors import error_response
from app.extensions import csrf, db
from app.feedback import intake
from app.feedback.forms import FeedbackForm
from app.feedback.views import submission_limit, tracking_limit
from app.urls import public_url

JSON_FIELDS = ("kind", "unit", "notice", "text", "name", "phone", "email", "address")
MAX_JSON_BYTES = 256 * 1024  # 20,000 characters of Vietnamese text are at most 80 KB in UTF-8


class BadPayload(ValueError):
    """The body is not a JSON object with text fields; the message says what to fix."""


def _iso(value):
    return value.isoformat() if value is not None else None


def _unit_item(unit):
    return {"code": unit.code, "name": unit.name}


def _read_json():
    """Return the request's JSON object, or raise BadPayload / RequestEntityTooLarge."""
    if not request.is_json:
        raise BadPayload(_("Hãy gửi dữ liệu dạng JSON với tiêu đề Content-Type: application/json."))
    request.max_content_length = MAX_JSON_BYTES
    payload = request.get_json(silent=True)
    if payload is None:
        raise BadPayload(_("Dữ liệu JSON không hợp lệ (sai cú pháp hoặc không phải UTF-8)."))
    if not isinstance(payload, dict):
        raise BadPayload(_("Dữ liệu JSON phải là một đối tượng {…} với các trường kind, unit, text…"))
    return payload


def _form_data(payload):
    """Turn the JSON object into form data for FeedbackForm; return (data, errors about types)."""
    data, errors = MultiDict(), {}
    for name in JSON_FIELDS:
        value = payload.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            errors[name] = _("Trường %(field)s phải là chuỗi ký tự.", field=name)
            continue
        data[name] = str(value)
    consent = payload.get("consent")
    if consent is not None and not isinstance(consent, bool):
        errors["consent"] = _("Trường consent phải là true hoặc false.")
    elif consent:
        data["consent"] = "y"
    if payload.get("photos"):
        errors["photos"] = _("API không nhận ảnh; hãy gửi ảnh qua biểu mẫu trên trang web.")
    return data, errors


def _invalid(errors):
    return error_response(422, _("Thông tin chưa hợp lệ; xem từng mục trong errors."), errors=errors)


@blueprint.post("/feedback")
@csrf.exempt
@submission_limit
def create_feedback():
    """Submit a question, petition, information request, complaint or denunciation as JSON."""
    try:
        payload = _read_json()
    except BadPayload as error:
        return error_response(400, str(error))
    except RequestEntityTooLarge:
        return error_response(413, _("Dữ liệu gửi lên quá lớn (tối đa %(kb)s KB).", kb=MAX_JSON_BYTES // 1024))
    data, type_errors = _form_data(payload)
    form = FeedbackForm(formdata=data, meta={"csrf": False})
    is_valid = form.validate()
    errors = {name: str(messages[0]) for name, messages in form.errors.items() if messages}
    errors.update(type_errors)
    if not is_valid or errors:
        return _invalid(errors)
    item = intake.submit_feedback(**form.submission())
    db.session.commit()
    track_url = public_url("feedback.track", code=item.tracking_code)
    response = jsonify(
        tracking_code=item.tracking_code,
        status=item.status,
        kind=item.kind,
        unit=_unit_item(item.unit),
        received_at=_iso(item.received_at),
        acknowledge_due=_iso(item.acknowledge_due),
        resolve_due=_iso(item.resolve_due),
        track_url=track_url,
    )
    response.status_code = 201
    response.headers["Location"] = track_url
    return response


def feedback_item(view):
    """The public view of an item as the API shows it: never contact details or internal notes."""
    notice = view.notice
    return {
        "tracking_code": view.tracking_code,
        "kind": view.kind,
        "kind_label": view.kind_label,
        "unit": _unit_item(view.unit),
        "status": view.status,
        "status_label": view.status_label,
        "received_at": _iso(view.received_at),
        "acknowledge_due": _iso(view.acknowledge_due),
        "resolve_due": _iso(view.resolve_due),
        "is_acknowledge_overdue": view.is_acknowledge_overdue,
        "is_resolve_overdue": view.is_resolve_overdue,
        "is_paused": view.is_paused,
        "answer_html": view.answer_html or None,
        "answered_at": _iso(view.answered_at),
        "rating": view.rating,
        "notice": (
            {"id": notice.id, "title": notice.title, "url": public_url("notices.show_notice", notice_id=notice.id)}
            if notice is not None
            else None
        ),
        "events": [
            {
                "action": event.action,
                "label": event.label,
                "at": _iso(event.at),
                "by": event.by or None,
                "body": event.body or None,
                "rating": event.rating,
            }
            for event in view.events
        ],
        "track_url": public_url("feedback.track", code=view.tracking_code),
    }


@blueprint.get("/feedback/<code>")
@tracking_limit
def get_feedback(code):
    """The public status of an item by its tracking code; 404 for any code that finds nothing."""
    item = intake.find_by_code(code)
    if item is None:
        return error_response(404, _("Không tìm thấy ý kiến với mã theo dõi này."))
    response = jsonify(feedback_item(intake.public_view(item)))
    response.cache_control.no_store = True
    return response
