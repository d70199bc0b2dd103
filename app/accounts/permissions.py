"""Who may act on which administrative unit. A user acts only inside their unit's subtree."""

STAFF_ROLES = frozenset({"official", "leader", "admin"})


def _is_signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_manage_unit(user, unit):
    """Officials, leaders and admins manage the notices and queue of units in their subtree."""
    return _is_signed_in(user) and user.role in STAFF_ROLES and user.unit.contains(unit)


def can_audit_unit(user, unit):
    """Inspectors (and admins) read everything under their unit."""
    return _is_signed_in(user) and user.role in {"inspector", "admin"} and user.unit.contains(unit)


def can_manage_users(user, unit):
    """Leaders manage their commune's officials; admins manage anyone under their unit."""
    return _is_signed_in(user) and user.role in {"leader", "admin"} and user.unit.contains(unit)


def can_use_manage_area(user):
    """Whether /manage/ is for this user at all."""
    return _is_signed_in(user) and user.role in STAFF_ROLES
