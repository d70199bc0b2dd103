"""Who may see and handle which queue item, used by views and by templates.

Staff (officials, leaders, admins) handle the items of the units in their subtree; inspectors
read them. A denouncer's identity is shown to the one official assigned to the item, nobody else; a
complainant's to the assigned official and the unit's leader.
"""

from app.accounts.permissions import can_audit_unit, can_manage_unit, can_use_administration, can_use_manage_area
from app.feedback.states import allowed_actions


def _is_signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_use_queue(user):
    """The queue area (/manage/queue): staff handle their unit subtree's items, inspectors read them."""
    return can_use_manage_area(user) or (_is_signed_in(user) and user.role == "inspector")


def can_record_queue_item(user, unit=None):
    """Officials, leaders and admins record a call, a visit or a letter for a unit of their subtree."""
    if unit is None:
        return can_use_manage_area(user)
    return can_manage_unit(user, unit)


def can_view_queue_item(user, item):
    """Staff of a unit containing the item's unit, and inspectors above it (read only)."""
    return can_manage_unit(user, item.unit) or can_audit_unit(user, item.unit)


def can_handle_queue_item(user, item):
    """Officials, leaders and admins of a unit containing the item's unit act on it."""
    return can_manage_unit(user, item.unit)


def may_take_action(user, item, action):
    """Whether the user may ever take `action` on the item, its status aside: their unit's item; and giving it
    to an official (assign) is for a leader or an administrator, or its handler handing it over (an official
    takes an unassigned item by acting on it: accepting it makes them its handler)."""
    if not can_handle_queue_item(user, item):
        return False
    if action == "assign":
        return user.role in ("leader", "admin") or (item.assigned_to_id is not None and item.assigned_to_id == user.id)
    return True


def can_act_on_queue_item(user, item, action):
    """Whether the user may take `action` on the item now: they may take it, and its status allows it."""
    return may_take_action(user, item, action) and action in allowed_actions(item.status)


def can_view_identity(user, item):
    """Who may be shown the sender's identity (each showing of a complaint's or denunciation's is recorded).

    Denunciations: only the assigned handler, who also needs the unit's key. Complaints: the assigned
    handler and the unit's leader. Other kinds: anyone who handles the item.
    """
    if not can_handle_queue_item(user, item):
        return False
    is_handler = item.assigned_to_id is not None and item.assigned_to_id == user.id
    if item.kind == "denunciation":
        return is_handler
    if item.kind == "complaint":  # the leader of the item's own unit, not of a unit above it
        return is_handler or (user.role == "leader" and user.unit_id == item.unit_id)
    return True


def can_manage_deadline_rules(user):
    """Deadline rules and holiday overrides are the administrators' (they change every unit's dates)."""
    return can_use_administration(user)
