"""The inspectors' consultation figures: /audit/consultations and its CSV/XLSX exports (read only)."""

from flask import render_template, request
from flask_babel import gettext as _

from app.inspection import blueprint
from app.inspection.consultation_figures import consultation_columns, consultation_report, consultation_rows
from app.inspection.exports import csv_response, write_sheets, xlsx_response
from app.inspection.forms import FigureFilterForm
from app.inspection.views import export_scope, scope_or_errors, unit_choices


def _filename(scope, extension):
    return f"lay-y-kien-{scope.unit.code}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{extension}"


@blueprint.get("/audit/consultations")
def consultation_figures():
    """Consultations of the scope per commune: held, length, participation, results on time, unmoderated comments."""
    form = FigureFilterForm(request.args)
    scope, errors = scope_or_errors(form)
    report = consultation_report(scope) if scope else None
    return (
        render_template(
            "audit/consultations.html",
            form=form,
            scope=scope,
            errors=errors,
            report=report,
            columns=consultation_columns(),
            unit_choices=unit_choices(),
        ),
        400 if errors else 200,
    )


@blueprint.get("/audit/export/consultations.<any(csv, xlsx):extension>")
def export_consultation_figures(extension):
    """The same figures as CSV or XLSX."""
    form = FigureFilterForm(request.args)
    scope = export_scope(form)
    report = consultation_report(scope)
    if extension == "csv":
        return csv_response(consultation_rows(report), _filename(scope, "csv"))
    return xlsx_response(
        lambda stream: write_sheets(stream, [(_("Lấy ý kiến Nhân dân"), consultation_rows(report))]),
        _filename(scope, "xlsx"),
    )
