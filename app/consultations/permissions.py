"""Who may do what with consultations, used by views and by templates.

The unit's staff (officials, leaders, admins of a unit containing the notice's) run its consultations;
inspectors above it read the staff pages; only administrators change the rules (they bind every unit).
"""

from app.accounts.permissions import can_audit_unit, can_manage_unit, can_use_administration


def can_view_consultation_admin(user, notice):
    """The staff page of a notice's consultation: its staff, and inspectors reading."""
    return can_manage_unit(user, notice.unit) or can_audit_unit(user, notice.unit)


def can_save_consultation(user, notice):
    """Open or change a consultation on a draft or published notice of the user's units."""
    return notice.status in ("draft", "published") and can_manage_unit(user, notice.unit)


def can_close_consultation(user, consultation):
    return consultation.status() == "open" and can_manage_unit(user, consultation.notice.unit)


def can_moderate_comments(user, consultation):
    return can_manage_unit(user, consultation.notice.unit)


def can_publish_result(user, consultation):
    return (
        consultation.status() == "closed"
        and consultation.notice.status != "draft"
        and can_manage_unit(user, consultation.notice.unit)
    )


def can_record_decision(user, notice):
    return notice.status == "published" and can_manage_unit(user, notice.unit)


def can_read_personal_details(user, consultation):
    """Names and phones of those who gave an opinion: the unit's staff only, never inspectors or the public."""
    return can_manage_unit(user, consultation.notice.unit)


def can_edit_consultation_rules(user):
    return can_use_administration(user)
