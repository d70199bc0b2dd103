"""GET /api/v1/stats: the audit figures as JSON, computed by the same code as the /audit/ pages.

Public: anyone may read the aggregate figures of any unit (totals, per kind, per month, per commune,
disclosure, ranking). Per-official figures name people, so they are added only for a signed-in
inspector or administrator of that unit, and such a response is never cached by shared caches.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.accounts.models import AdministrativeUnit
from app.api import blueprint
from app.api.openapi import (
    DATE,
    MOMENT,
    array,
    component,
    form_parameters,
    integer,
    json_response,
    nullable,
    obj,
    operation,
    string,
)
from app.errors import error_response
from app.inspection.forms import FigureFilterForm
from app.inspection.permissions import can_view_official_figures
from app.inspection.report import build_report
from app.inspection.today_figures import TODAY_KEYS

# Figures are named numbers (counts, percentages with one decimal, medians in days), null when nothing was counted.
FIGURE = nullable({"type": "number"})
FIGURES = {"type": "object", "additionalProperties": FIGURE}
UNIT_HEAD = {"code": string(), "name": string()}
STATS_PROPERTIES = {
    "unit": obj({**UNIT_HEAD, "kind": string()}),
    "from": DATE,
    "to": DATE,
    "kind": nullable(string()),
    "today": DATE,
    "as_of": DATE,
    "today_fields": array(string(), _l("Số liệu tính tại ngày as_of, với mọi hồ sơ đang mở.")),
    "period_fields": array(string(), _l("Số liệu của các hồ sơ nhận từ from đến to.")),
    "computed_at": MOMENT,
    "percentiles": string(enum=["nearest-rank"]),
    "totals": FIGURES,
    "disclosure": FIGURES,
    "by_kind": {"type": "object", "additionalProperties": FIGURES},
    "by_month": array(
        {
            **obj({"month": string(pattern="^[0-9]{4}-[0-9]{2}$"), "backlog_at_month_end": integer(minimum=0)}),
            "additionalProperties": FIGURE,
        }
    ),
    "by_unit": array(
        {
            **obj({**UNIT_HEAD, "kind": string(), "disclosure": nullable(FIGURES)}),
            "additionalProperties": FIGURE,
        },
        _l("Mọi xã, phường của đơn vị, kể cả khi bằng 0."),
    ),
    "ranking": obj(
        {
            "min_items": integer(minimum=0),
            "ranked": array({**obj({"rank": integer(minimum=1), **UNIT_HEAD}), "additionalProperties": FIGURE}),
            "unranked": array(obj({**UNIT_HEAD, "received": integer(minimum=0)})),
        }
    ),
    "by_official": array(
        {
            **obj({"id": nullable(integer()), "username": nullable(string()), "display_name": nullable(string())}),
            "additionalProperties": FIGURE,
        },
        _l("Chỉ khi thanh tra viên hoặc quản trị của đơn vị đã đăng nhập."),
    ),
}
# by_official only for a signed-in inspector or administrator of the unit.
STATS_SCHEMA = component(
    "Stats", obj(STATS_PROPERTIES, required=[name for name in STATS_PROPERTIES if name != "by_official"])
)


def _stats_parameters():
    """The filter form's fields, as the API reads them (unit is required here)."""
    return form_parameters(
        FigureFilterForm(MultiDict()),
        descriptions={
            "unit": _l("Mã đơn vị: số liệu của đơn vị và mọi đơn vị trực thuộc."),
            "from": _l("Từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy), 2000–2100; mặc định 12 tháng gần nhất."),
            "to": _l("Đến ngày, không trước from; khoảng tối đa 10 năm; mặc định hôm nay."),
        },
        required=("unit",),
    )


def _unit_entry(unit, figures, disclosure):
    entry = {"code": unit.code, "name": unit.name, "kind": unit.kind}
    entry.update(figures.as_dict())
    entry["disclosure"] = disclosure.as_dict() if disclosure is not None else None
    return entry


def stats_payload(report, with_officials):
    """The JSON document of a Report (field names are a contract; see docs in the audit definitions).

    `today_fields` are counted on `as_of` over every item open that day, whenever it was received (in
    `by_month`: of the month's items); `period_fields` over the items received from `from` to `to`.
    `by_unit` lists every commune and ward of the unit, with zeros when nothing was received or posted.
    """
    scope = report.scope
    payload = {
        "unit": {"code": scope.unit.code, "name": scope.unit.name, "kind": scope.unit.kind},
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "kind": scope.kind,
        "today": report.today.isoformat(),
        "as_of": report.today.isoformat(),
        "today_fields": list(TODAY_KEYS),
        "period_fields": [name for name in report.total.as_dict() if name not in TODAY_KEYS],
        "computed_at": report.computed_at.isoformat(),
        "percentiles": "nearest-rank",
        "totals": report.total.as_dict(),
        "disclosure": report.disclosure.as_dict(),
        "by_kind": {kind: figures.as_dict() for kind, figures in sorted(report.by_kind.items())},
        "by_month": [
            {"month": day.strftime("%Y-%m"), "backlog_at_month_end": backlog, **figures.as_dict()}
            for day, figures, backlog in zip(scope.months(), report.by_month, report.backlog, strict=True)
        ],
        "by_unit": [_unit_entry(unit, figures, disclosure) for unit, figures, disclosure in report.unit_rows()],
        "ranking": {
            "min_items": report.ranking_min_items,
            "ranked": [
                {"rank": entry.rank, "code": entry.unit.code, "name": entry.unit.name, **_rank_figures(entry)}
                for entry in report.ranking
            ],
            "unranked": [
                {"code": entry.unit.code, "name": entry.unit.name, "received": entry.figures.received}
                for entry in report.unranked
            ],
        },
    }
    if with_officials:
        payload["by_official"] = [
            {
                "id": user_id,
                "username": report.officials[user_id].username if user_id in report.officials else None,
                "display_name": report.officials[user_id].display_name if user_id in report.officials else None,
                **figures.as_dict(),
            }
            for user_id, figures in sorted(report.by_official.items(), key=lambda pair: pair[0] or 0)
        ]
    return payload


def _rank_figures(entry):
    figures = entry.figures
    return {
        "received": figures.received,
        "answered_on_time_pct": figures.answered_on_time_rate,
        "acknowledged_on_time_pct": figures.acknowledged_on_time_rate,
        "answer_days_median": figures.median("answer_days"),
    }


@operation(
    _l("Số liệu tiếp nhận và trả lời"),
    tag="stats",
    description=_l(
        "Cùng số liệu như các trang /audit/: theo loại, tháng, xã và xếp hạng. Ai cũng đọc được số liệu tổng "
        "hợp; số liệu theo cán bộ chỉ có khi thanh tra viên hoặc quản trị của đơn vị đã đăng nhập."
    ),
    parameters=_stats_parameters,
    examples={"unit": "24", "from": "2026-01-01", "to": "2026-06-30"},
    responses={200: json_response(_l("Số liệu."), STATS_SCHEMA)},
    errors=(400, 503),
)
@blueprint.get("/stats")
def stats():
    """Figures of ?unit= (with its descendants) for ?from=…&to=… (YYYY-MM-DD), optionally ?kind=."""
    form = FigureFilterForm(request.args)
    is_valid = form.validate()
    errors = form.errors_by_field()
    if not form.unit.data:
        # Required here (the pages default to the inspector's unit): reported along with the other fields.
        errors = {"unit": _("Thiếu mã đơn vị (unit), ví dụ ?unit=24."), **errors}
    if errors or not is_valid:
        return error_response(400, next(iter(errors.values())), errors=errors)
    scope = form.scope(AdministrativeUnit.by_code(form.unit.data))
    with_officials = can_view_official_figures(current_user, scope.unit)
    report = build_report(scope, officials=with_officials, cached=True)
    response = jsonify(stats_payload(report, with_officials))
    if with_officials:
        response.cache_control.private = True
        response.cache_control.no_store = True
    response.vary.add("Cookie")
    return response
