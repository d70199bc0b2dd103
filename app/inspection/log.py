"""The audit log as inspectors list it: filtered, newest first, limited to their unit's subtree."""

from datetime import timedelta

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import AdministrativeUnit, User
from app.extensions import db
from app.feedback.models import Feedback
from app.inspection.scope import local_midnight_utc
from app.ledger.models import AuditEntry
from app.notices.models import Notice

# Rules every unit's deadlines follow: their changes concern every inspector.
SHARED_OBJECT_TYPES = ("DeadlineRule", "HolidayOverride")


def covers_every_unit(unit):
    """Whether `unit` is the only root of the unit tree, so that its subtree is everything."""
    if unit.parent_id is not None:
        return False
    other_root = exists().where(AdministrativeUnit.parent_id.is_(None), AdministrativeUnit.id != unit.id)
    return not db.session.scalar(select(other_root))


def _ids_as_text(column, condition):
    return select(cast(column, String)).where(condition)


def subtree_condition(unit):
    """Entries by someone of the subtree, or about a unit, user, notice or queue item of it."""
    unit_ids = select(AdministrativeUnit.id).where(unit.subtree_clause())
    user_ids = select(User.id).where(User.unit_id.in_(unit_ids))
    return or_(
        AuditEntry.actor_id.in_(user_ids),
        and_(
            AuditEntry.object_type == "Feedback",
            AuditEntry.object_id.in_(_ids_as_text(Feedback.id, Feedback.unit_id.in_(unit_ids))),
        ),
        and_(
            AuditEntry.object_type == "Notice",
            AuditEntry.object_id.in_(_ids_as_text(Notice.id, Notice.unit_id.in_(unit_ids))),
        ),
        and_(
            AuditEntry.object_type == "AdministrativeUnit",
            AuditEntry.object_id.in_(_ids_as_text(AdministrativeUnit.id, AdministrativeUnit.id.in_(unit_ids))),
        ),
        and_(
            AuditEntry.object_type == "User",
            AuditEntry.object_id.in_(_ids_as_text(User.id, User.id.in_(user_ids))),
        ),
    )


def log_entries_query(user, form):
    """SELECT of the entries `user` may read that match the validated LogFilterForm, newest first."""
    query = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if not covers_every_unit(user.unit):  # another province's log is not this inspector's to read
        query = query.where(or_(subtree_condition(user.unit), AuditEntry.object_type.in_(SHARED_OBJECT_TYPES)))
    if form.action.data:
        action = form.action.data
        query = query.where(
            AuditEntry.action == action
            if "." in action
            else AuditEntry.action.startswith(f"{action}.", autoescape=True)
        )
    if form.object_type.data:
        query = query.where(AuditEntry.object_type == form.object_type.data)
    if form.actor.data:
        query = query.where(
            AuditEntry.actor_id.in_(select(User.id).where(func.lower(User.username) == form.actor.data.lower()))
        )
    if form.date_from.data:
        query = query.where(AuditEntry.created_at >= local_midnight_utc(form.date_from.data))
    if form.date_to.data:
        query = query.where(AuditEntry.created_at < local_midnight_utc(form.date_to.data + timedelta(days=1)))
    return query.order_by(AuditEntry.id.desc())
