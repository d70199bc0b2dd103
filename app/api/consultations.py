"""Consultations in the JSON API, with the rules of the notice page (for the province's app, a Zalo mini-app).

GET /api/v1/consultations?status=open|closed&unit=CODE (paginated), GET /api/v1/notices/<id>/consultation,
POST /api/v1/consultations/<id>/verification {"phone"} → 202 (the code goes out by SMS),
POST /api/v1/consultations/<id>/opinions {"phone", "code", "choice", "comment"?, "name"?, "village"?}
→ 201 for a phone's first opinion, 200 when it replaces it. Never a name or a phone in any answer.
"""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, not_, select

from app.accounts.models import AdministrativeUnit
from app.api import blueprint
from app.api.consultation_items import CHOICE_COUNTS, CONSULTATION_SCHEMA, consultation_item
from app.api.openapi import (
    MOMENT,
    URL,
    array,
    component,
    integer,
    json_body,
    json_response,
    nullable,
    obj,
    operation,
    query,
    string,
)
from app.api.views import DEFAULT_PER_PAGE, MAX_PER_PAGE, NOTICE_ID, page_parameters, positive_int_arg
from app.clock import local_today
from app.consultations.choices import choice_label
from app.consultations.identity import CODE_DIGITS
from app.consultations.models import Consultation, Opinion
from app.consultations.opinions import (
    MAX_COMMENT_LENGTH,
    MAX_NAME_LENGTH,
    OpinionError,
    OpinionInput,
    check_open,
    checked_opinion,
    checked_phone,
    record_opinion,
)
from app.consultations.services import consultation_of
from app.consultations.tallies import live_tallies
from app.consultations.verification import CODE_VALIDITY, VerificationError, send_code
from app.database import end_reading, read_transactions
from app.errors import error_response
from app.extensions import csrf, db
from app.notices.models import Notice
from app.notices.queries import FilterError, paginate
from app.strict_input import BadInput, read_json
from app.urls import public_url

OPINION_FIELDS = ("phone", "code", "choice", "comment", "name", "village")
MAX_JSON_BYTES = 64 * 1024
STATUS_FILTERS = ("open", "closed")
MAX_ID = 2**31 - 1

CONSULTATION_PAGE_SCHEMA = component(
    "ConsultationPage",
    obj(
        {
            "items": array(
                obj(
                    {
                        "id": integer(minimum=1),
                        "notice": integer(minimum=1),
                        "question": string(),
                        "status": string(enum=["upcoming", "open", "closed"]),
                        "opens_at": MOMENT,
                        "closes_at": nullable(MOMENT),
                        "total": integer(minimum=0),
                        "has_result": {"type": "boolean"},
                        "url": URL,
                    }
                )
            ),
            "page": integer(minimum=1),
            "per_page": integer(minimum=1, maximum=MAX_PER_PAGE),
            "pages": integer(minimum=0),
            "total": integer(minimum=0),
        }
    ),
)
PHONE = string(_l("Số di động Việt Nam, ví dụ 0912 345 678 (mã được gửi qua SMS)."))
VERIFICATION_SCHEMA = component("VerificationRequest", obj({"phone": PHONE}))
OPINION_SCHEMA = component(
    "OpinionRequest",
    obj(
        {
            "phone": PHONE,
            "code": string(_l("Mã xác nhận %(digits)s chữ số nhận qua SMS.", digits=CODE_DIGITS)),
            "choice": string(_l("Khóa của một phương án (choices[].key).")),
            "comment": string(_l("Góp ý, chỉ công khai sau khi được duyệt."), maxLength=MAX_COMMENT_LENGTH),
            "name": string(_l("Họ tên (không bao giờ công khai)."), maxLength=MAX_NAME_LENGTH),
            "village": string(_l("Thôn, tổ dân phố; bắt buộc khi đợt lấy ý kiến giới hạn theo thôn.")),
        },
        required=["phone", "code", "choice"],
    ),
)
OPINION_RECEIPT_SCHEMA = component(
    "OpinionReceipt",
    obj(
        {
            "consultation": integer(minimum=1),
            "choice": string(),
            "choice_label": string(),
            "village": nullable(string()),
            "replaced": {"type": "boolean", "description": _l("true khi thay ý kiến trước đó của số điện thoại này.")},
            "comment_status": string(enum=["none", "pending"]),
            "total": integer(minimum=0),
            "choices": CHOICE_COUNTS,
            "message": string(),
        }
    ),
)
CONSULTATION_ID = {"consultation_id": _l("Số của đợt lấy ý kiến.")}


def _iso(value):
    return value.isoformat() if value is not None else None


def _status_condition(status):
    today = local_today()
    is_open = and_(
        Notice.status == "published",
        Consultation.closed_at.is_(None),
        Consultation.starts_on <= today,
        Notice.opinion_end.is_not(None),
        Notice.opinion_end >= today,
    )
    if status == "open":
        return is_open
    upcoming = and_(Notice.status == "published", Consultation.closed_at.is_(None), Consultation.starts_on > today)
    return and_(not_(is_open), not_(upcoming))


@operation(
    _l("Danh sách đợt lấy ý kiến Nhân dân"),
    tag="consultations",
    description=_l("Trên các thông báo công khai, đóng muộn nhất trước."),
    parameters=[
        query("status", string(enum=list(STATUS_FILTERS)), _l("open: đang lấy ý kiến; closed: đã kết thúc.")),
        query("unit", string(maxLength=16), _l("Mã đơn vị: của đơn vị đó và mọi đơn vị trực thuộc.")),
        *page_parameters(_l("mục")),
    ],
    examples={"status": "open"},
    responses={200: json_response(_l("Một trang đợt lấy ý kiến."), CONSULTATION_PAGE_SCHEMA)},
    errors=(400, 503),
)
@blueprint.get("/consultations")
def list_consultations():
    """Consultations on public notices, open or closed, of a unit and everything under it; paginated."""
    status = request.args.get("status", "").strip()
    if status and status not in STATUS_FILTERS:
        raise FilterError("status", _l("Trạng thái (status) phải là open hoặc closed."))
    page = positive_int_arg("page", 1, _l("Số trang (page) phải là số nguyên từ 1 trở lên."))
    per_page = min(
        positive_int_arg(
            "per_page", DEFAULT_PER_PAGE, _l("Số mục mỗi trang (per_page) phải là số nguyên từ 1 trở lên.")
        ),
        MAX_PER_PAGE,
    )
    query = select(Consultation).join(Notice, Notice.id == Consultation.notice_id)
    query = query.where(Notice.status.in_(("published", "withdrawn")))
    code = request.args.get("unit", "").strip()
    if code:
        unit = AdministrativeUnit.by_code(code) if len(code) <= 16 else None
        if unit is None:
            raise FilterError("unit", _l("Không có đơn vị hành chính mã %(code)s.", code=code[:16]))
        query = query.where(Notice.unit_id.in_(select(AdministrativeUnit.id).where(unit.subtree_clause())))
    if status:
        query = query.where(_status_condition(status))
    query = query.order_by(Notice.opinion_end.desc(), Consultation.id.desc())
    pagination = paginate(query, page, per_page)
    ids = [consultation.id for consultation in pagination.items]
    totals = dict(
        db.session.execute(
            select(Opinion.consultation_id, func.count())
            .where(Opinion.consultation_id.in_(ids))
            .group_by(Opinion.consultation_id)
        ).all()
    )
    items = [
        {
            "id": consultation.id,
            "notice": consultation.notice_id,
            "question": consultation.question,
            "status": consultation.status(),
            "opens_at": _iso(consultation.opens_at),
            "closes_at": _iso(consultation.closes_at),
            "total": totals.get(consultation.id, 0),
            "has_result": bool(consultation.results),
            "url": public_url("notices.show_notice", notice_id=consultation.notice_id) + "#lay-y-kien",
        }
        for consultation in pagination.items
    ]
    return jsonify(items=items, page=page, per_page=per_page, pages=pagination.pages, total=pagination.total)


def _public_consultation(consultation_id):
    consultation = db.session.get(Consultation, consultation_id) if consultation_id <= MAX_ID else None
    if consultation is None or not consultation.notice.is_public:
        abort(404)
    return consultation


@operation(
    _l("Đợt lấy ý kiến của một thông báo"),
    tag="consultations",
    description=_l(
        "Câu hỏi, thời gian, số ý kiến theo phương án và theo thôn, góp ý đã duyệt, kết quả khi đã công bố."
    ),
    path=NOTICE_ID,
    examples={"notice_id": 1},
    responses={200: json_response(_l("Đợt lấy ý kiến."), CONSULTATION_SCHEMA)},
    errors=(404, 503),
)
@blueprint.get("/notices/<int:notice_id>/consultation")
def get_notice_consultation(notice_id):
    """The consultation of a public notice: question, period, choices with counts, by village, result."""
    notice = db.session.get(Notice, notice_id) if notice_id <= MAX_ID else None
    consultation = consultation_of(notice.id) if notice is not None and notice.is_public else None
    if consultation is None or consultation.status() == "draft":
        return error_response(404, _("Thông báo này không lấy ý kiến Nhân dân."))
    return jsonify(consultation_item(consultation))


class ApiError(Exception):
    def __init__(self, status, message, errors=None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


def _json_fields(names):
    """The request's JSON object as {name: text}; raise ApiError for a body that is not one."""
    if not request.is_json:
        raise ApiError(400, _("Hãy gửi dữ liệu dạng JSON với tiêu đề Content-Type: application/json."))
    request.max_content_length = MAX_JSON_BYTES
    try:
        payload = read_json(request)
    except BadInput as error:
        raise ApiError(400, error.message) from error
    if not isinstance(payload, dict):
        raise ApiError(400, _("Dữ liệu JSON không hợp lệ; hãy gửi một đối tượng {…}."))
    fields, errors = {}, {}
    for name in names:
        value = payload.get(name)
        if value is None:
            fields[name] = ""
        elif isinstance(value, bool) or not isinstance(value, str | int):
            errors[name] = _("Trường %(field)s phải là chuỗi ký tự.", field=name)
        else:
            fields[name] = str(value)
    if errors:
        raise ApiError(422, _("Thông tin chưa hợp lệ; xem từng mục trong errors."), errors)
    return fields


def _failure(error):
    field = getattr(error, "field", None)
    errors = error.errors if isinstance(error, ApiError) else ({field: error.message} if field else None)
    extra = {"errors": errors} if errors else {}
    return error_response(error.status, error.message, **extra)


@operation(
    _l("Gửi mã xác nhận qua SMS"),
    tag="consultations",
    description=_l("Mã 6 chữ số, hiệu lực 10 phút; giới hạn số mã mỗi giờ cho mỗi số điện thoại."),
    path=CONSULTATION_ID,
    examples={"consultation_id": 1},
    body=json_body(VERIFICATION_SCHEMA, _l("Số điện thoại nhận mã."), example={"phone": "0912 345 678"}),
    responses={
        202: json_response(
            _l("Đã xếp tin nhắn vào hàng gửi."),
            obj({"message": string(), "expires_in": integer(minimum=1, description=_l("Số giây mã còn hiệu lực."))}),
        )
    },
    errors=(400, 404, 409, 413, 422, 429, 503),
)
@blueprint.post("/consultations/<int:consultation_id>/verification")
@csrf.exempt
def request_verification(consultation_id):
    """Send a 6-digit code to the phone by SMS (valid 10 minutes); 202 once it is queued."""
    consultation = _public_consultation(consultation_id)
    try:
        fields = _json_fields(("phone",))
        check_open(consultation)
        e164 = checked_phone(fields["phone"])
        send_code(consultation, e164, request.remote_addr)
    except (ApiError, OpinionError, VerificationError) as error:
        db.session.rollback()
        return _failure(error)
    db.session.commit()
    return jsonify(
        message=_("Đã gửi mã xác nhận qua tin nhắn SMS; mã có hiệu lực 10 phút."),
        expires_in=int(CODE_VALIDITY.total_seconds()),
    ), 202


@operation(
    _l("Cho ý kiến"),
    tag="consultations",
    description=_l(
        "Một ý kiến cho mỗi số điện thoại đã xác nhận bằng mã; ý kiến sau thay ý kiến trước. "
        "Không bao giờ trả lại họ tên hay số điện thoại."
    ),
    path=CONSULTATION_ID,
    examples={"consultation_id": 1},
    body=json_body(
        OPINION_SCHEMA, _l("Ý kiến."), example={"phone": "0912 345 678", "code": "123456", "choice": "agree"}
    ),
    responses={
        201: json_response(_l("Đã ghi nhận ý kiến đầu tiên của số điện thoại này."), OPINION_RECEIPT_SCHEMA),
        200: json_response(_l("Đã thay ý kiến trước đó."), OPINION_RECEIPT_SCHEMA),
    },
    errors=(400, 404, 409, 413, 422, 503),
)
@blueprint.post("/consultations/<int:consultation_id>/opinions")
@csrf.exempt
def create_opinion(consultation_id):
    """Give (201) or replace (200) the opinion of a phone confirmed by its code."""
    try:
        # Finding the consultation and checking the opinion only read: on SQLite they take no write lock,
        # so that another worker's opinion is written meanwhile; only spending the code and writing do.
        with read_transactions():
            consultation = _public_consultation(consultation_id)
            fields = _json_fields(OPINION_FIELDS)
            checked = checked_opinion(consultation, OpinionInput(**fields))
            end_reading(db.session)
        opinion, created = record_opinion(consultation, checked, fields["code"])
    except (ApiError, OpinionError) as error:
        db.session.commit()  # a wrong code's try is counted
        return _failure(error)
    db.session.commit()
    with read_transactions():  # the answer, with the counts this opinion is in, read without the write lock
        tallies = live_tallies(consultation)
        body = {
            "consultation": consultation.id,
            "choice": opinion.choice,
            "choice_label": str(choice_label(consultation, opinion.choice)),
            "village": opinion.village or None,
            "replaced": not created,
            "comment_status": opinion.comment_status,
            "total": tallies.total,
            "choices": [
                {"key": key, "label": str(label), "count": tallies.count(key)} for key, label in tallies.choices
            ],
            "message": _("Đã ghi nhận ý kiến.") if created else _("Đã thay ý kiến trước đó của số điện thoại này."),
        }
        db.session.commit()
    return jsonify(body), 201 if created else 200
