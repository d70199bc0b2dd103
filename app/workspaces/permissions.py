"""Who may open the staff homes this package serves (the rest are the domains' own areas)."""

from app.accounts.models import AdministrativeUnit
from app.accounts.permissions import can_use_manage_area
from app.extensions import db

OVERVIEW_ROLES = frozenset({"leader", "admin"})
RETRYABLE_STATUSES = frozenset({"queued", "failed"})


def can_use_overview(user):
    """The overview (/manage/overview): leaders of a commune, and administrators of their subtree."""
    return can_use_manage_area(user) and user.role in OVERVIEW_ROLES


def can_use_notifications(user):
    """The outbox (/manage/notifications): officials, leaders and admins, for their unit's subtree."""
    return can_use_manage_area(user)


def can_view_notification(user, notification):
    """A notification of a unit in the user's subtree; one of no unit only for administrators."""
    if notification is None or not can_use_notifications(user):
        return False
    if notification.unit_id is None:
        return user.role == "admin"
    return user.unit.contains(db.session.get(AdministrativeUnit, notification.unit_id))


def can_retry_notification(user, notification):
    """Send again what is still waiting or failed (never what was sent or deliberately dropped)."""
    return can_view_notification(user, notification) and notification.status in RETRYABLE_STATUSES
