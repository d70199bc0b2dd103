"""POST /api/v1/feedback and GET /api/v1/feedback/<code>.

The same rules as the page: the JSON body is checked by `FeedbackForm` (without CSRF: the API uses
no cookies), and the same rate limits apply per IP. Photos are sent through the page only. A client
that may retry (a dropped connection, a timeout) sends an `Idempotency-Key` header: the same key with the
same body returns the first item (200, `Idempotent-Replayed: true`) instead of making a second; the same key
with another body is refused (422), never answered with someone else's item.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import blueprint
from app.api.openapi import (
    DATE,
    MOMENT,
    URL,
    array,
    component,
    form_properties,
    header,
    integer,
    json_body,
    json_response,
    nullable,
    obj,
    operation,
    string,
)
from app.errors import error_response
from app.extensions import csrf
from app.feedback import intake
from app.feedback.forms import MAX_TEXT_LENGTH, FeedbackForm
from app.feedback.idempotency import IDEMPOTENCY_KEY, KeyReused, idempotency_key_or_none, json_fingerprint
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.states import STATUSES
from app.feedback.views import submission_limit, submit_once, tracking_limit
from app.resilience import IDEMPOTENCY_HEADER, keyed_submission
from app.strict_input import BadInput, read_json
from app.urls import public_url

JSON_FIELDS = ("kind", "unit", "notice", "text", "name", "phone", "email", "address", "id_number", "notify_by")
MAX_JSON_BYTES = 256 * 1024  # 20,000 characters of Vietnamese text are at most 80 KB in UTF-8


def _submission_schema():
    """The JSON body: FeedbackForm's fields as JSON (a number is read as its text; null as absent)."""
    properties = form_properties(FeedbackForm(formdata=None, meta={"csrf": False}), (*JSON_FIELDS, "consent"))
    properties["notice"] = {
        "anyOf": [integer(minimum=1), string()],
        "description": _l("Số của thông báo đang công khai mà ý kiến nói đến; khi có, unit là đơn vị của thông báo."),
    }
    properties["kind"]["description"] = _l("Loại ý kiến.")
    properties["unit"]["description"] = _l("Mã xã, phường nhận ý kiến (bắt buộc khi không có notice).")
    properties["text"]["maxLength"] = MAX_TEXT_LENGTH
    properties["consent"]["description"] = _l("Bắt buộc true khi có họ tên, số điện thoại, email hoặc địa chỉ.")
    properties["id_number"]["description"] = _l(
        "Số CCCD, 12 chữ số; chỉ giữ cho yêu cầu thông tin, khiếu nại, tố cáo. Danh tính người tố cáo được mã hóa "
        "ngay khi nhận, bằng khóa công khai của đơn vị nhận."
    )
    properties["notify_by"]["description"] = _l(
        "Cách báo tiến triển: email, sms, zalo hoặc none; mặc định email nếu có email, nếu không thì SMS; "
        "đơn tố cáo (denunciation) mặc định none: chỉ báo khi người tố cáo chọn."
    )
    return obj(
        properties,
        required=["kind", "text"],
        description=_l(
            "Khiếu nại và tố cáo cần họ tên, địa chỉ và số điện thoại hoặc email. API không nhận ảnh (photos)."
        ),
    )


UNIT_NAME = obj({"code": string(), "name": string()})
SUBMISSION_SCHEMA = component("FeedbackSubmission", _submission_schema)
RECEIPT_SCHEMA = component(
    "FeedbackReceipt",
    obj(
        {
            "tracking_code": string(_l("Mã theo dõi: người gửi giữ riêng, để tra cứu.")),
            "status": string(enum=list(STATUSES)),
            "kind": string(enum=list(FEEDBACK_KINDS)),
            "unit": UNIT_NAME,
            "received_at": MOMENT,
            "acknowledge_due": nullable(DATE),
            "resolve_due": nullable(DATE),
            "track_url": URL,
        }
    ),
)
FEEDBACK_STATUS_SCHEMA = component(
    "FeedbackStatus",
    obj(
        {
            "tracking_code": string(),
            "kind": string(enum=list(FEEDBACK_KINDS)),
            "kind_label": string(),
            "unit": UNIT_NAME,
            "status": string(enum=list(STATUSES)),
            "status_label": string(),
            "received_at": MOMENT,
            "acknowledge_due": nullable(DATE),
            "resolve_due": nullable(DATE),
            "is_acknowledge_overdue": {"type": "boolean"},
            "is_resolve_overdue": {"type": "boolean"},
            "is_paused": {"type": "boolean"},
            "answer_html": nullable(string(_l("Câu trả lời (HTML đã lọc an toàn)."))),
            "answered_at": nullable(MOMENT),
            "rating": nullable(integer(minimum=1, maximum=5)),
            "notice": nullable(obj({"id": integer(minimum=1), "title": string(), "url": URL})),
            "events": array(
                obj(
                    {
                        "action": string(),
                        "label": string(),
                        "at": MOMENT,
                        "by": nullable(string()),
                        "body": nullable(string()),
                        "rating": nullable(integer(minimum=1, maximum=5)),
                    }
                ),
                _l("Diễn biến công khai của hồ sơ."),
            ),
            "track_url": URL,
        },
        description=_l("Không bao giờ có thông tin liên hệ của người gửi hay ghi chú nội bộ."),
    ),
)
TRACK_HEADERS = {"Location": (URL, _l("Trang theo dõi của hồ sơ."), True)}


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
    try:
        payload = read_json(request)
    except BadInput as error:
        raise BadPayload(error.message) from error
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


@operation(
    _l("Gửi câu hỏi, phản ánh, kiến nghị, yêu cầu thông tin, khiếu nại hoặc tố cáo"),
    tag="feedback",
    description=_l(
        "Cùng quy tắc với biểu mẫu trên trang web (kênh api). Trả lời gồm mã theo dõi để người gửi giữ. "
        "Gửi kèm tiêu đề Idempotency-Key để gửi lại an toàn: cùng khóa và cùng nội dung thì nhận lại hồ sơ đầu "
        "tiên (200); cùng khóa mà khác nội dung thì bị từ chối (422)."
    ),
    parameters=[
        header(
            IDEMPOTENCY_HEADER,
            string(pattern=f"^{IDEMPOTENCY_KEY.pattern}$"),
            _l("Khóa chống gửi trùng do ứng dụng tạo, 8–128 ký tự chữ, số và - _ : ."),
        )
    ],
    body=json_body(
        SUBMISSION_SCHEMA,
        _l("Ý kiến, dạng JSON."),
        example={
            "kind": "question",
            "unit": "07627",
            "text": "Khi nào thôn Đông được làm lại đường?",
            "notify_by": "none",
        },
    ),
    examples={IDEMPOTENCY_HEADER: "app-7f3c2a9e-5b1d"},
    responses={
        201: json_response(_l("Đã nhận; Location là trang theo dõi."), RECEIPT_SCHEMA, TRACK_HEADERS),
        200: json_response(
            _l("Cùng Idempotency-Key và cùng nội dung với một lần gửi trước: hồ sơ của lần đó, không tạo thêm."),
            RECEIPT_SCHEMA,
            {**TRACK_HEADERS, "Idempotent-Replayed": (string(enum=["true"]), _l("Trả lời của lần gửi trước."), True)},
        ),
    },
    errors=(400, 413, 422, 429, 503),
)
@blueprint.post("/feedback")
@keyed_submission("header")
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
    header = request.headers.get(IDEMPOTENCY_HEADER)
    key = idempotency_key_or_none(header)
    if header is not None and key is None:
        return error_response(
            400, _("Tiêu đề Idempotency-Key phải dài 8–128 ký tự, chỉ gồm chữ, số và các dấu - _ : .")
        )
    submission = {"channel": "api", "idempotency_key": key, "idempotency_fingerprint": json_fingerprint(key, payload)}
    try:
        item, is_repeat = submit_once({**form.submission(), **submission})
    except KeyReused:
        return error_response(
            422,
            _(
                "Idempotency-Key này đã được dùng cho một lần gửi khác, với nội dung khác; hồ sơ chưa được tạo. "
                "Hãy dùng một khóa mới cho lần gửi này."
            ),
        )
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
    # A repeated key (a client retrying after a dropped connection) gets the first item, not a second.
    response.status_code = 200 if is_repeat else 201
    response.headers["Location"] = track_url
    if is_repeat:
        response.headers["Idempotent-Replayed"] = "true"
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


@operation(
    _l("Tình trạng một hồ sơ theo mã theo dõi"),
    tag="feedback",
    path={"code": _l("Mã theo dõi người gửi nhận được.")},
    examples={"code": "HT-AB12-CD34-EF56"},
    responses={200: json_response(_l("Tình trạng công khai của hồ sơ."), FEEDBACK_STATUS_SCHEMA)},
    errors=(404, 429, 503),
)
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
