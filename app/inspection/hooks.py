"""How the inspectors' figures follow and show on the layers below; connected by the app factory."""

from app import effects
from app.inspection.rollup_marks import mark_changes
from app.inspection.summary import unit_summary
from app.notices.page_parts import add_unit_part


def _response_figures(unit):
    return {"audit_summary": unit_summary(unit)}


def register_inspection_hooks(app):
    """Keep the rollups exact (a change row in every flush that touches an item); figures on unit pages."""
    effects.on_flush(mark_changes)
    add_unit_part(_response_figures)
