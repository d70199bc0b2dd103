"""GET /api/v1/deadlines: the due date of a step, and every non-working day it skipped, with its reason."""

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _

from app.api import blueprint
from app.errors import error_response
from app.feedback.deadline_views import DeadlineQueryError, explain_deadline

PARAMETERS = ("kind", "step", "from", "circumstance")


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
