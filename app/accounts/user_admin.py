"""What a leader or an administrator does to the accounts they manage: open, change role or unit, close, reopen.

Every function checks the actor's scope again (the views check it first, to answer 403), writes one audit
entry per change in the caller's transaction and flushes; the request commits.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.password_resets import revoke_reset_links
from app.accounts.permissions import can_assign_role, can_assign_unit, can_edit_user
from app.accounts.services import AccountError, create_user
from app.extensions import db
from app.ledger.chain import record


def _check_scope(actor, role, unit):
    if not can_assign_role(actor, role):
        raise AccountError(_("Bạn không được giao vai trò này."), "role")
    if not can_assign_unit(actor, unit):
        raise AccountError(_("Đơn vị này nằm ngoài phạm vi bạn quản lý."), "unit")


def _check_manages(actor, target):
    if not can_edit_user(actor, target):
        raise AccountError(_("Tài khoản này nằm ngoài phạm vi bạn quản lý."))


def _refuse_if_last_admin(target):
    """An administrator must remain: refuse to close or demote the last active one."""
    if target.role != "admin" or not target.is_active:
        return
    # FOR UPDATE: on PostgreSQL two admins closing each other at once cannot both pass this check.
    admins = db.session.scalars(
        select(User.id).where(User.role == "admin", User.is_active.is_(True)).with_for_update()
    ).all()
    if set(admins) <= {target.id}:
        raise AccountError(_("Không thể khóa hoặc hạ vai trò của quản trị viên cuối cùng còn hoạt động."))


def open_account(actor, username, display_name, role, unit, email=None, phone=None):
    """Create an account with no usable password yet, within the actor's scope; the caller hands one over."""
    _check_scope(actor, role, unit)
    return create_user(username, None, role, unit, display_name=display_name, actor=actor, email=email, phone=phone)


def change_role_and_unit(actor, target, role, unit):
    """Give `target` a new role and/or unit; a change ends the target's open sessions. Return what changed."""
    _check_manages(actor, target)
    _check_scope(actor, role, unit)
    if target.role == "admin" and role != "admin":
        _refuse_if_last_admin(target)
    changed = []
    if role != target.role:
        before = target.role
        target.role = role
        changed.append(("user.role_changed", f"{target.username}: {before} → {role}", "role", before, role))
    if unit.id != target.unit_id:
        before = target.unit.code
        target.unit = unit
        changed.append(("user.unit_changed", f"{target.username}: {before} → {unit.code}", "unit", before, unit.code))
    if changed:
        # Their pages and rights were those of the old role or unit: they sign in again.
        target.end_sessions()
        db.session.flush()
    for action, summary, field, before, after in changed:
        record(action, target, summary, {"before": {field: before}, "after": {field: after}}, actor)
    return [field for _action, _summary, field, _before, _after in changed]


def deactivate_account(actor, target):
    """Close `target`'s account: it cannot sign in, its sessions end now and its reset links stop working."""
    _check_manages(actor, target)
    if not target.is_active:
        return
    _refuse_if_last_admin(target)
    target.is_active = False
    target.end_sessions()
    revoke_reset_links(target)
    db.session.flush()
    record("user.deactivated", target, target.username, {"before": {"active": True}, "after": {"active": False}}, actor)


def reactivate_account(actor, target):
    """Reopen `target`'s closed account (with the password it had)."""
    _check_manages(actor, target)
    if target.is_active:
        return
    target.is_active = True
    db.session.flush()
    record("user.reactivated", target, target.username, {"before": {"active": False}, "after": {"active": True}}, actor)
