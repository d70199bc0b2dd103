"""Who may act on which administrative unit and which account. A user acts only inside their unit's subtree."""

from app import clock

STAFF_ROLES = frozenset({"official", "leader", "admin"})
# The roles each managing role may give (and so the accounts it may change): never above its own.
ASSIGNABLE_ROLES = {
    "leader": ("official", "leader"),
    "admin": ("official", "leader", "inspector", "admin"),
}


def _is_signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_manage_unit(user, unit):
    """Officials, leaders and admins manage the notices and queue of units in their subtree."""
    return _is_signed_in(user) and user.role in STAFF_ROLES and user.unit.contains(unit)


def can_audit_unit(user, unit):
    """Inspectors (and admins) read everything under their unit."""
    return _is_signed_in(user) and user.role in {"inspector", "admin"} and user.unit.contains(unit)


def can_use_manage_area(user):
    """Whether /manage/ is for this user at all."""
    return _is_signed_in(user) and user.role in STAFF_ROLES


def can_use_user_management(user):
    """The users area (/manage/users): leaders for their commune, admins for their unit's subtree."""
    return bool(assignable_roles(user))


def can_use_administration(user):
    """The administration area (/manage/admin, deadline rules, holidays): administrators only."""
    return _is_signed_in(user) and user.role == "admin"


def can_use_account(user):
    """The own-account area (/account): every signed-in user."""
    return _is_signed_in(user)


def assignable_roles(user):
    """The roles this user may give to an account they manage (none for officials and inspectors)."""
    if not _is_signed_in(user):
        return ()
    return ASSIGNABLE_ROLES.get(user.role, ())


def can_manage_users(user):
    """Leaders manage the officials and leaders of their commune; admins every account under their unit."""
    return can_use_user_management(user)


def can_create_user(user):
    """Whether this user may open accounts (within their unit's subtree, with a role they may give)."""
    return can_manage_users(user)


def can_assign_role(user, role):
    """Whether this user may give `role` to an account."""
    return role in assignable_roles(user)


def can_assign_unit(user, unit):
    """Whether this user may bind an account to `unit`."""
    return can_manage_users(user) and user.unit.contains(unit)


def can_edit_user(actor, target):
    """Whether `actor` manages `target`: the target's unit is in the actor's subtree and its role at or below."""
    return (
        target is not None
        and can_manage_users(actor)
        and actor.unit.contains(target.unit)
        and target.role in assignable_roles(actor)
    )


def can_change_role(actor, target):
    """Whether `actor` may change the role or unit of `target`."""
    return can_edit_user(actor, target)


def can_deactivate_user(actor, target):
    """Whether `actor` may close `target`'s account (the last active admin is refused by the service)."""
    return can_edit_user(actor, target) and target.is_active


def can_reactivate_user(actor, target):
    """Whether `actor` may reopen `target`'s closed account."""
    return can_edit_user(actor, target) and not target.is_active


def can_reset_password(actor, target):
    """Whether `actor` may reset `target`'s password (a one-time link or a temporary password)."""
    return can_edit_user(actor, target) and target.is_active


def can_edit_own_account(user):
    """Every signed-in user changes their own password, display name, e-mail and phone."""
    return can_use_account(user)


def can_reset_second_factor(actor, target):
    """Whether `actor` may remove `target`'s second factor (a lost phone): someone they manage, never themselves."""
    return can_edit_user(actor, target) and actor.id != target.id and target.totp_secret is not None


def can_unlock_user(actor, target):
    """Whether `actor` may lift the lockout that repeated wrong passwords or codes put on `target` now."""
    return (
        can_edit_user(actor, target)
        and actor.id != target.id
        and target.locked_until is not None
        and target.locked_until > clock.utcnow()
    )
