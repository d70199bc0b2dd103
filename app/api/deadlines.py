"""GET /api/v1/deadlines: the due date of a step, and every non-working day it skipped, with its reason."""

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api import blueprint
from app.api.openapi import DATE, array, component, integer, json_response, nullable, obj, operation, query, string
from app.errors import error_response
from app.feedback.deadline_views import EARLIEST_YEAR, LATEST_YEAR, STEPS, DeadlineQueryError, explain_deadline
from app.feedback.deadlines import CALENDAR_DAYS, SPECIAL_RULES, WORKING_DAYS
from app.feedback.kinds import FEEDBACK_KINDS

PARAMETERS = ("kind", "step", "from", "circumstance")
YEARS_2000_TO_2100 = "^(20[0-9]{2}|2100)-"  # the years explain_deadline accepts (EARLIEST_YEAR, LATEST_YEAR)
DEADLINE_SCHEMA = component(
    "Deadline",
    obj(
        {
            "kind": string(enum=list(FEEDBACK_KINDS)),
            "step": string(enum=list(STEPS)),
            "circumstance": nullable(string()),
            "from": DATE,
            "due_date": {**DATE, "description": _l("Hạn cuối (hết 24:00 ngày này).")},
            "rule": obj({"amount": integer(minimum=1), "unit": string(enum=[WORKING_DAYS, CALENDAR_DAYS])}),
            "skipped": array(
                obj({"date": DATE, "reason": string()}), _l("Các ngày không làm việc đã bỏ qua, với lý do.")
            ),
        }
    ),
)


@operation(
    _l("Tính thời hạn một bước"),
    tag="deadlines",
    description=_l(
        "Hạn tiếp nhận (acknowledge) hoặc giải quyết (resolve) tính từ một ngày, theo luật và lịch ngày nghỉ; "
        "liệt kê từng ngày nghỉ đã bỏ qua. 404 khi loại ý kiến không có bước đó."
    ),
    parameters=[
        query("kind", string(enum=list(FEEDBACK_KINDS)), _l("Loại ý kiến."), required=True),
        query("step", string(enum=list(STEPS)), _l("Bước."), required=True),
        query(
            "from",
            string(format="date", pattern=YEARS_2000_TO_2100),
            _l("Ngày bắt đầu tính (YYYY-MM-DD), năm %(first)s–%(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR),
            required=True,
        ),
        query(
            "circumstance",
            string(enum=sorted({circumstance for _kind, _step, circumstance in SPECIAL_RULES})),
            _l("Trường hợp đặc biệt (việc phức tạp, vùng khó khăn…), nếu áp dụng cho loại và bước."),
        ),
    ],
    examples={"kind": "complaint", "step": "resolve", "from": "2026-02-13", "circumstance": "complex"},
    responses={200: json_response(_l("Hạn và cách tính."), DEADLINE_SCHEMA)},
    errors=(400, 404, 503),
)
@blueprint.get("/deadlines")
def get_deadline():
    """?kind=…&step=acknowledge|resolve&from=YYYY-MM-DD[&circumstance=…] → due_date and skipped days."""
    values = {name: request.args.get(name, "").strip() for name in PARAMETERS}
    errors = {}
    for name in ("kind", "step", "from"):
        if not values[name]:
            errors[name] = _("Thiếu tham số %(name)s.", name=name)
    start = None
    if values["from"]:
        try:
            start = date.fromisoformat(values["from"][:10]) if len(values["from"]) == 10 else None
        except ValueError:
            start = None
        if start is None:
            errors["from"] = _("Ngày không hợp lệ; hãy dùng dạng YYYY-MM-DD, ví dụ 2026-02-13.")
    if errors:
        return error_response(400, _("Tham số chưa hợp lệ; xem từng mục trong errors."), errors=errors)
    try:
        explanation = explain_deadline(values["kind"], values["step"], start, values["circumstance"] or None)
    except DeadlineQueryError as error:
        message = next(iter(error.errors.values())) if error.status == 404 else None
        return error_response(
            error.status, message or _("Tham số chưa hợp lệ; xem từng mục trong errors."), errors=error.errors
        )
    return jsonify(
        kind=explanation.kind,
        step=explanation.step,
        circumstance=explanation.circumstance,
        **{"from": explanation.start.isoformat()},
        due_date=explanation.due_date.isoformat(),
        rule={"amount": explanation.rule.amount, "unit": explanation.rule.unit},
        skipped=[{"date": day.isoformat(), "reason": str(reason)} for day, reason in explanation.skipped],
    )
