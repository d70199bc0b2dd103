"""Inspectors' pages under /audit/: figures, charts, rankings, drill-downs, exports and the audit log.

Read-only: nothing here changes the database. Every page is for inspectors and administrators, on the
units of their own subtree (403 elsewhere); the scope comes from one filter form shared with the API.
"""

from flask import abort, make_response, render_template, request
from flask_babel import format_decimal
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import AdministrativeUnit, User
from app.errors import error_response
from app.extensions import db
from app.feedback.action_labels import ACTION_LABELS
from app.feedback.calendar import load_calendar
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.states import STATUSES
from app.inspection import blueprint
from app.inspection import permissions as audit_permissions
from app.inspection.annual import annual_report_filename, write_annual_report
from app.inspection.charts import overview_charts
from app.inspection.consultation_figures import consultation_report
from app.inspection.definitions import DEFINITIONS
from app.inspection.exports import (
    figures_csv_response,
    figures_xlsx_response,
    items_csv_response,
    items_xlsx_response,
    xlsx_response,
)
from app.inspection.forms import AnnualReportForm, FigureFilterForm, ItemFilterForm, LogFilterForm
from app.inspection.items import item_list_query, item_with_history, overdue_items_query, timeliness
from app.inspection.log import covers_every_unit, log_entries_query
from app.inspection.log_display import action_choices, log_rows, object_type_choices
from app.inspection.permissions import (
    can_export_figures,
    can_use_audit_area,
    can_view_audit_figures,
    can_view_audit_item,
    can_view_audit_log,
    can_view_official_figures,
)
from app.inspection.report import build_report
from app.ledger.models import AuditEntry
from app.ledger.verification import anchor_of, verify_chain
from app.notices.queries import page_number, paginate

ITEMS_PER_PAGE = 50
LOG_PER_PAGE = 50
OVERDUE_LIST_LENGTH = 50
MAX_UNIT_OPTIONS = 400


@blueprint.context_processor
def _audit_helpers():
    functions = {name: getattr(audit_permissions, name) for name in dir(audit_permissions) if name.startswith("can_")}
    return {"definitions": DEFINITIONS, "feedback_kinds": FEEDBACK_KINDS, "statuses": STATUSES, **functions}


@blueprint.before_request
@login_required
def _require_audit_role():
    """Every /audit/ page: signed in (else the login page), inspector or administrator (else 403)."""
    if not can_use_audit_area(current_user):
        abort(403)


def _page_number():
    return page_number(request.args.get("page"))


def unit_choices():
    """Units the user may audit (their own first), for the unit select; None when too many for a select."""
    units = db.session.scalars(
        select(AdministrativeUnit).where(current_user.unit.subtree_clause()).limit(MAX_UNIT_OPTIONS + 1)
    ).all()
    if len(units) > MAX_UNIT_OPTIONS:
        return None
    return sorted(units, key=lambda unit: (unit.path.count("/"), unit.name))


def scope_or_errors(form, unit=None):
    """(scope, None) for a valid form whose unit the user may audit (403 otherwise); (None, errors) if invalid."""
    if not form.validate():
        return None, form.errors_by_field()
    scope = form.scope(unit or current_user.unit)
    if unit is not None:
        scope = scope.with_unit(unit)
    if not can_view_audit_figures(current_user, scope.unit):
        abort(403)
    return scope, None


def _get_unit(code):
    unit = AdministrativeUnit.by_code(code) if len(code) <= 16 else None
    if unit is None:
        abort(404)
    if not can_view_audit_figures(current_user, unit):
        abort(403)
    return unit


def _filter_error(errors):
    """The 400 page of a download whose filters are invalid, with what is wrong in each field."""
    return error_response(400, " ".join(errors.values()))


def export_scope(form):
    """The scope of a download: its filters valid (else the 400 page), the user allowed to export it (else 403)."""
    scope, errors = scope_or_errors(form)
    if errors:
        abort(make_response(_filter_error(errors)))
    if not can_export_figures(current_user, scope.unit):
        abort(403)
    return scope


def _render_figures(template, form, scope, errors, **context):
    status = 400 if errors else 200
    return (
        render_template(
            template,
            form=form,
            scope=scope,
            errors=errors,
            unit_choices=unit_choices(),
            annual_form=AnnualReportForm(request.args),
            **context,
        ),
        status,
    )


@blueprint.get("/audit/")
def overview():
    """The inspector's unit (or a chosen one): key figures, charts, league table, per kind, disclosure."""
    form = FigureFilterForm(request.args)
    scope, errors = scope_or_errors(form)
    report = build_report(scope, cached=True) if scope else None
    charts = overview_charts(report) if report else []
    return _render_figures("audit/overview.html", form, scope, errors, report=report, charts=charts)


@blueprint.get("/audit/units/<code>")
def show_unit(code):
    """One unit (a commune, usually): its figures, per official, and its overdue items."""
    unit = _get_unit(code)
    form = FigureFilterForm(request.args)
    scope, errors = scope_or_errors(form, unit)
    officials = can_view_official_figures(current_user, unit)
    report = build_report(scope, officials=officials, cached=True) if scope else None
    overdue = db.session.scalars(overdue_items_query(scope).limit(OVERDUE_LIST_LENGTH)).all() if scope else []
    calendar = load_calendar()
    return _render_figures(
        "audit/unit.html",
        form,
        scope,
        errors,
        unit=unit,
        report=report,
        charts=overview_charts(report) if report else [],
        overdue=[(item, timeliness(item, calendar, report.today)) for item in overdue] if report else [],
    )


@blueprint.get("/audit/officials/<int:user_id>")
def show_official(user_id):
    """One official: the figures of the items assigned to them."""
    official = db.session.get(User, user_id) if user_id < 2**31 else None
    if official is None:
        abort(404)
    if not can_view_official_figures(current_user, official.unit):
        abort(403)
    form = FigureFilterForm(request.args)
    scope, errors = scope_or_errors(form, official.unit)
    report = build_report(scope.with_official(official.id), cached=True) if scope else None
    return _render_figures("audit/official.html", form, scope, errors, official=official, report=report)


@blueprint.get("/audit/items")
def list_items():
    """Items of the scope with every timestamp, filtered, paginated."""
    form = ItemFilterForm(request.args)
    scope, errors = scope_or_errors(form)
    pagination, filter_args = None, {}
    if scope:
        if form.official.data:
            scope = scope.with_official(form.official.data)
        query = item_list_query(scope, form.status.data or None, form.overdue.data)
        pagination = paginate(query, _page_number(), ITEMS_PER_PAGE)
        filter_args = _item_filter_args(form, scope)
    calendar = load_calendar()
    rows = [(item, timeliness(item, calendar)) for item in pagination.items] if pagination else []
    return _render_figures(
        "audit/items.html", form, scope, errors, pagination=pagination, rows=rows, filter_args=filter_args
    )


def _item_filter_args(form, scope):
    """Query arguments of a validated item list (for its pages and downloads): never copied from the request."""
    args = scope.as_args()
    if form.status.data:
        args["status"] = form.status.data
    if form.overdue.data:
        args["overdue"] = "y"
    return args


@blueprint.get("/audit/items/<int:item_id>")
def show_item(item_id):
    """One item and its full history, read-only; never the submitter's identity or contact."""
    item = item_with_history(item_id) if item_id < 2**31 else None
    if item is None:
        abort(404)
    if not can_view_audit_item(current_user, item):
        abort(403)
    return render_template(
        "audit/item.html", item=item, judged=timeliness(item, load_calendar()), action_labels=ACTION_LABELS
    )


@blueprint.get("/audit/log")
def list_log():
    """The audit log, newest first, filtered; entries limited to the user's subtree."""
    if not can_view_audit_log(current_user):
        abort(403)
    form = LogFilterForm(request.args)
    pagination, filter_args = None, {}
    if form.validate():
        pagination = paginate(log_entries_query(current_user, form), _page_number(), LOG_PER_PAGE)
        filter_args = {field.name: request.args[field.name] for field in form if request.args.get(field.name)}
    status = 200 if pagination is not None else 400
    return (
        render_template(
            "audit/log.html",
            form=form,
            pagination=pagination,
            rows=log_rows(current_user, pagination.items) if pagination is not None else [],
            action_choices=action_choices(),
            object_type_choices=object_type_choices(),
            filter_args=filter_args,
            errors=form.errors_by_field(),
            is_limited_to_subtree=not covers_every_unit(current_user.unit),
        ),
        status,
    )


@blueprint.get("/audit/log/verify")
def verify_log():
    """Walk the whole chain now and show the result: intact with its anchor, or the first broken link."""
    if not can_view_audit_log(current_user):
        abort(403)
    result = verify_chain()
    entries = {}
    if result.broken is not None:
        ids = [entry_id for entry_id in (result.broken.entry_id, result.broken.previous_id) if entry_id]
        entries = {entry.id: entry for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))}
    return render_template("audit/verify.html", result=result, anchor=anchor_of(result), entries=entries)


@blueprint.get("/audit/export/figures.<any(csv, xlsx):extension>")
def export_figures(extension):
    """The figures of the scope (totals, per unit, kind, month, official), as CSV or XLSX."""
    form = FigureFilterForm(request.args)
    scope = export_scope(form)
    report = build_report(scope, officials=can_view_official_figures(current_user, scope.unit))
    if extension == "csv":
        return figures_csv_response(report)
    return figures_xlsx_response(report, consultations=consultation_report(scope))


@blueprint.get("/audit/export/items.<any(csv, xlsx):extension>")
def export_items(extension):
    """The item list of the filters with every timestamp (CSV streamed; XLSX written row by row)."""
    form = ItemFilterForm(request.args)
    scope = export_scope(form)
    if form.official.data:
        scope = scope.with_official(form.official.data)
    query = item_list_query(scope, form.status.data or None, form.overdue.data)
    return items_csv_response(scope, query) if extension == "csv" else items_xlsx_response(scope, query)


@blueprint.get("/audit/reports/annual.xlsx")
def annual_report():
    """The annual report of a unit (default: the user's) for a year, as the province sends it on."""
    form = AnnualReportForm(request.args)
    if not form.validate():
        return _filter_error(form.errors_by_field())
    unit = AdministrativeUnit.by_code(form.unit.data) if form.unit.data else current_user.unit
    if not can_export_figures(current_user, unit):
        abort(403)
    return xlsx_response(
        lambda stream: write_annual_report(stream, unit, form.year.data), annual_report_filename(unit, form.year.data)
    )


@blueprint.app_template_filter("audit_percent")
def format_percent(value):
    """71.4 -> "71,4%" in Vietnamese; None -> an em dash (nothing was counted)."""
    if value is None:
        return "—"
    return f"{format_decimal(value, format='#,##0.#')}%"


@blueprint.app_template_filter("audit_number")
def format_number(value):
    """1234 -> "1.234" in Vietnamese; None -> an em dash."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##")
