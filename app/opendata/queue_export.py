"""The queue's figures per unit and month for the open-data export: the inspectors' own numbers.

Each month of each province is one `build_report` (app.inspection.report), the function behind the
/audit/ pages, the inspectors' exports and /api/v1/stats, so the files can never disagree with them.
Only the period's figures: today's (open now, overdue now) describe no month. No person is named:
the report is built without the per-official breakdown.
"""

from sqlalchemy import func, select

from app.accounts.models import AdministrativeUnit
from app.clock import local_today, to_local
from app.extensions import db
from app.feedback.models import Feedback
from app.inspection.report import build_report
from app.inspection.scope import AuditScope, month_end, month_range
from app.inspection.today_figures import TODAY_KEYS


def export_months(today):
    """The first day of every month from the first item received to today's month."""
    first = db.session.scalar(select(func.min(Feedback.received_at)))
    if first is None:
        return []
    return month_range(to_local(first).date(), today)


def _row(month, unit, scope, today, figures):
    values = {name: value for name, value in figures.as_dict().items() if name not in TODAY_KEYS}
    head = {
        "month": month.strftime("%Y-%m"),
        "unit_code": unit.code,
        "unit_name": unit.name,
        "unit_kind": unit.kind,
        "scope": scope,
        "as_of": today.isoformat(),
    }
    return head | values


def figure_records(today=None):
    """One dict per (month, unit): each top-level unit's whole subtree, then each unit with its own items."""
    today = today or local_today()
    roots = db.session.scalars(
        select(AdministrativeUnit).where(AdministrativeUnit.parent_id.is_(None)).order_by(AdministrativeUnit.code)
    ).all()
    for month in export_months(today):
        for root in roots:
            scope = AuditScope(unit=root, start=month, end=min(month_end(month), today))
            report = build_report(scope, today=today)
            yield _row(month, root, "subtree", today, report.total)
            for unit, figures, _disclosure in report.unit_rows():
                yield _row(month, unit, "unit", today, figures)
