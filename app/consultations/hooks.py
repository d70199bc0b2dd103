"""How consultations join the notices layer below them; connected by the app factory at start-up."""

from app.consultations.messages import register_consultation_templates
from app.consultations.page import consultation_context
from app.consultations.services import ensure_consultation, guard_opinion_end
from app.notices.page_parts import add_notice_part
from app.notices.services import add_change_rule
from app.notices.signals import notice_changed


def _on_notice_changed(notice, **_extra):
    """A notice published or corrected with an opinion-period end gets its (default) consultation."""
    if notice.status == "published":
        ensure_consultation(notice)


def register_consultation_hooks(app):
    """The notice page shows its consultation; notices with an opinion end get one, and keep its rules when
    published or corrected; the code SMS template."""
    add_notice_part(consultation_context)
    notice_changed.connect(_on_notice_changed)
    add_change_rule(guard_opinion_end)
    register_consultation_templates()
