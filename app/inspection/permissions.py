"""Who may read the inspectors' pages, figures, items and the audit log."""

from app.accounts.permissions import can_audit_unit

AUDIT_ROLES = frozenset({"inspector", "admin"})


def _is_signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_use_audit_area(user):
    """Whether /audit/ is for this user at all (inspectors and administrators)."""
    return _is_signed_in(user) and user.role in AUDIT_ROLES


def can_view_audit_figures(user, unit):
    """Inspectors and admins read the figures of any unit in their subtree."""
    return can_audit_unit(user, unit)


def can_view_official_figures(user, unit):
    """Per-official figures name people: only for those who audit the unit."""
    return can_audit_unit(user, unit)


def can_view_audit_item(user, item):
    """A queue item's full history, read-only, for those who audit its unit."""
    return can_audit_unit(user, item.unit)


def can_view_audit_log(user):
    """The audit log and its verification, for inspectors and admins (entries limited to their subtree)."""
    return can_use_audit_area(user)


def can_export_figures(user, unit):
    """CSV/XLSX exports and the annual report of a unit."""
    return can_audit_unit(user, unit)
