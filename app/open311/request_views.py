"""POST requests (a system posts a citizen's item with its API key) and GET requests (the public's part).

The POST goes through FeedbackForm, the web form's rules, with the same per-IP rate limit as the
form and the JSON API; the item's channel is "open311". Errors as the spec says: [{code, description}];
403 for a missing or wrong key, 404 for an unknown service_code or unit, 400 for a missing one or any
other failure. A form's refusal names the Open311 parameter the client sent ("first_name/last_name",
"attribute[address]"), not the form's field.
"""

import math

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app.clock import utcnow
from app.extensions import csrf, db
from app.feedback import intake
from app.feedback.forms import FeedbackForm
from app.feedback.kinds import FEEDBACK_KINDS, kind_label
from app.feedback.views import submission_limit
from app.ledger.chain import record
from app.open311.blueprints import blueprint
from app.open311.formats import FORMATS, errors, render
from app.open311.keys import find_key
from app.open311.models import Open311Submission
from app.open311.places import Ambiguous, unit_by_code, unit_from_address
from app.open311.queries import BadQuery, find_request, find_requests, item_id, reference, window
from app.open311.service_views import not_found

MAX_DESCRIPTION = 4000
MAX_IDS = 1000
CONTACT_FIELDS = ("phone", "email")
IDENTITY_FIELDS = ("first_name", "last_name", "address", "id_number")
# FeedbackForm's fields → the Open311 parameters _form_data fills them from, as an error names them.
PARAMETERS = {"kind": "service_code", "text": "description", "name": "first_name/last_name"}
# The service definition's attributes that _form_data reads under either spelling (see _value).
ATTRIBUTE_FIELDS = ("notice", "address", "id_number", "consent")


def _fmt():
    fmt = (request.view_args or {}).get("fmt")
    return fmt if fmt in FORMATS else "json"


@blueprint.errorhandler(HTTPException)
def _http_error(error):
    code = error.code or 400
    if code == 404:
        return not_found(_fmt())
    if code == 429:
        return errors(_fmt(), 429, _("Gửi quá nhiều yêu cầu trong thời gian ngắn; hãy thử lại sau."))
    return errors(_fmt(), code if code < 500 else 400, error.description or _("Yêu cầu không hợp lệ."))


@blueprint.errorhandler(Exception)
def _any_error(error):
    db.session.rollback()
    current_app.logger.exception("Open311 request failed")
    return errors(_fmt(), 400, _("Không xử lý được yêu cầu; hãy kiểm tra dữ liệu và thử lại."))


def _value(name):
    """A field sent as itself or as attribute[name] (the first wins); "" when absent."""
    return (request.form.get(name) or request.form.get(f"attribute[{name}]") or "").strip()


def _parameter(field):
    """The Open311 parameter a FeedbackForm field was filled from, named as the client sent it."""
    if field == "unit":
        return "attribute[unit]" if _unit_text()[0] else "address_string"
    if field not in (*CONTACT_FIELDS, *ATTRIBUTE_FIELDS):
        return PARAMETERS.get(field, field)
    # As _value reads them: the bare name first, then attribute[name]; if neither was sent, as documented.
    attribute = f"attribute[{field}]"
    if request.form.get(field):
        return field
    if request.form.get(attribute) or field in ATTRIBUTE_FIELDS:
        return attribute
    return field


def _coordinate(name, limit):
    text = request.form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        raise BadQuery(_("%(name)s không hợp lệ: hãy ghi số thập phân, ví dụ 21.2854.", name=name))
    return value


def _unit_text():
    code = request.form.get("attribute[unit]", "").strip()
    return code, request.form.get("address_string", "").strip()


def _find_unit(key):
    """(unit or None, error response or None): a unit code, else a name in address_string."""
    code, address = _unit_text()
    try:
        unit = unit_by_code(code) if code else unit_from_address(address)
    except Ambiguous as ambiguous:
        return None, errors(
            _fmt(), 400, _("Có nhiều xã, phường trùng tên: %(units)s; hãy gửi attribute[unit].", units=str(ambiguous))
        )
    if unit is None:
        return None, errors(_fmt(), 404, _("Không tìm thấy xã, phường “%(unit)s”.", unit=(code or address)[:80]))
    if not key.may_submit_to(unit):
        return None, errors(_fmt(), 403, _("Khóa API này không được gửi ý kiến đến %(unit)s.", unit=unit.name))
    return unit, None


def _form_data(kind, unit, description):
    data = MultiDict({"kind": kind, "text": description})
    if unit is not None:
        data["unit"] = unit.code
    if notice := _value("notice"):
        data["notice"] = notice
    name = " ".join(part for part in (_value("last_name"), _value("first_name")) if part)
    if name:
        data["name"] = name
    for field in (*CONTACT_FIELDS, "address", "id_number"):
        if value := _value(field):
            data[field] = value
    if _value("consent").lower() in ("true", "1", "yes", "y", "on"):
        data["consent"] = "y"
    return data


def _notice_text(item):
    return _(
        "Đã chuyển ý kiến đến %(unit)s. Mã theo dõi của người gửi: %(code)s — hãy giữ riêng mã này để tra cứu "
        "tại trang Theo dõi ý kiến; số tham chiếu công khai: %(reference)s.",
        unit=item.unit.name,
        code=item.tracking_code,
        reference=reference(item.id),
    )


@blueprint.post("/requests.<fmt>")
@csrf.exempt
@submission_limit
def create_request(fmt):
    """Post a citizen's item; answer with its public reference and, for the submitter, the tracking code."""
    if fmt not in FORMATS:
        return not_found("json")
    key = find_key(request.form.get("api_key", "").strip())
    if key is None:
        return errors(fmt, 403, _("Thiếu api_key hoặc api_key không hợp lệ."))
    kind = request.form.get("service_code", "").strip()
    if not kind:
        return errors(fmt, 400, _("Thiếu service_code (loại ý kiến)."))
    if kind not in FEEDBACK_KINDS:
        return errors(fmt, 404, _("Không có dịch vụ (loại ý kiến) mã “%(code)s”.", code=kind[:40]))
    description = request.form.get("description", "").replace("\r\n", "\n")
    if not description.strip():
        return errors(fmt, 400, _("Thiếu description (nội dung ý kiến)."))
    if len(description) > MAX_DESCRIPTION:
        return errors(fmt, 400, _("description tối đa %(limit)s ký tự.", limit="4.000"))
    try:
        latitude, longitude = _coordinate("lat", 90), _coordinate("long", 180)
    except BadQuery as problem:
        return errors(fmt, 400, str(problem))
    unit = None
    if any(_unit_text()) or not _value("notice"):
        if not any(_unit_text()):
            return errors(fmt, 400, _("Thiếu xã, phường: hãy gửi attribute[unit] hoặc address_string."))
        unit, problem = _find_unit(key)
        if problem is not None:
            return problem
    form = FeedbackForm(formdata=_form_data(kind, unit, description), meta={"csrf": False})
    if not form.validate():
        messages = [f"{_parameter(name)}: {messages[0]}" for name, messages in form.errors.items() if messages]
        return errors(fmt, 400, *messages)
    if not key.may_submit_to(form.target_unit):
        return errors(fmt, 403, _("Khóa API này không được gửi ý kiến đến %(unit)s.", unit=form.target_unit.name))
    item = intake.submit_feedback(**{**form.submission(), "idempotency_key": None, "channel": "open311"})
    db.session.add(Open311Submission(feedback_id=item.id, api_key_id=key.id, latitude=latitude, longitude=longitude))
    key.last_used_at = utcnow()
    db.session.flush()
    record(
        "open311.request_received",
        item,
        f"{reference(item.id)} qua Open311, khóa {key.name}",
        {"api_key": key.name, "service_code": kind, "unit": item.unit.code},
    )
    db.session.commit()
    answer = {
        "service_request_id": reference(item.id),
        "service_notice": _notice_text(item),
        "account_id": None,
        "tracking_code": item.tracking_code,
    }
    return render(fmt, "service_requests", [answer], 201)


def _labelled(found):
    labels = {identifier: str(kind_label(identifier)) for identifier in FEEDBACK_KINDS}  # once, not per row
    for entry in found:
        entry["service_name"] = labels[entry["service_code"]]
    return found


def _split(text):
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@blueprint.get("/requests.<fmt>")
def list_requests(fmt):
    """Requests newest first, at most 1,000: by references, or by service_code, window and status."""
    if fmt not in FORMATS:
        return not_found("json")
    args = request.args
    try:
        ids = None
        if args.get("service_request_id"):
            references = _split(args["service_request_id"])[:MAX_IDS]
            ids = [identifier for identifier in map(item_id, references) if identifier is not None]
            found = find_requests(ids=ids)
        else:
            kinds = _split(args.get("service_code"))
            unknown = [kind for kind in kinds if kind not in FEEDBACK_KINDS]
            if unknown:
                return errors(fmt, 404, _("Không có dịch vụ (loại ý kiến) mã “%(code)s”.", code=unknown[0][:40]))
            statuses = set(_split(args.get("status"))) or None
            if statuses and not statuses <= {"open", "closed"}:
                raise BadQuery(_("status chỉ nhận open hoặc closed."))
            span = window(args.get("start_date"), args.get("end_date"), utcnow())
            found = find_requests(kinds=kinds, statuses=statuses, span=span)
    except BadQuery as problem:
        return errors(fmt, 400, str(problem))
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return render(fmt, "service_requests", _labelled(found))


@blueprint.get("/requests/<reference_text>.<fmt>")
def show_request(reference_text, fmt):
    """One request by its public reference "CK-<id>" (a denunciation, like an unknown one, is 404)."""
    if fmt not in FORMATS:
        return not_found("json")
    found = find_request(reference_text)
    if found is None:
        return errors(fmt, 404, _("Không có yêu cầu số “%(reference)s”.", reference=reference_text[:40]))
    return render(fmt, "service_requests", _labelled([found]))
