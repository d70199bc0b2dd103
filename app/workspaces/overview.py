"""The leader's overview of a unit: the queue by official, notices to watch, complaints and denunciations open.

Read-only queries over the unit's subtree. Lateness is the notices' own rule (Decree 04/2015: posted within
3 working days of the document's issue), counted with the same working-day calendar as their warnings.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from app import workdays
from app.accounts.models import AdministrativeUnit, User
from app.clock import to_local
from app.extensions import db
from app.feedback.deadline_flags import PAUSED_STATUS, next_due_column
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES
from app.notices.models import Notice
from app.notices.services import DISCLOSURE_WORKING_DAYS

ENDING_SOON_DAYS = 7
# The chairman of the commune decides these (Law on Complaints 2011, Law on Denunciations 2018).
CHAIRMAN_KINDS = ("complaint", "denunciation")
HANDLING_ROLES = ("official", "leader")
# A province-wide overview would list hundreds of rows; the page shows the first ones and says how many.
LIST_LIMIT = 30


@dataclass
class OfficialLoad:
    """One handler's open items (user None: items nobody has taken yet)."""

    user: User | None
    open_count: int = 0
    overdue_count: int = 0
    oldest_received_at: datetime | None = None

    def oldest_age_days(self, today):
        """Days since the oldest open item was received, or None without open items."""
        if self.oldest_received_at is None:
            return None
        return (today - to_local(self.oldest_received_at).date()).days


@dataclass
class LateNotice:
    notice: Notice
    delay: int  # working days from issue to the first posting day


@dataclass
class Capped:
    """The first rows of a list and how many there are in all."""

    rows: list
    total: int

    @property
    def is_cut(self):
        return self.total > len(self.rows)


def _subtree_ids(unit):
    return select(AdministrativeUnit.id).where(unit.subtree_clause())


def queue_by_official(unit, today):
    """Every active official and leader of the subtree and every holder of an open item, busiest first."""
    is_overdue = and_(Feedback.status != PAUSED_STATUS, next_due_column() < today)
    rows = db.session.execute(
        select(
            Feedback.assigned_to_id,
            func.count(),
            func.sum(case((is_overdue, 1), else_=0)),
            func.min(Feedback.received_at),
        )
        .where(Feedback.unit_id.in_(_subtree_ids(unit)), Feedback.status.in_(OPEN_STATUSES))
        .group_by(Feedback.assigned_to_id)
    ).all()
    loads = {holder: OfficialLoad(None, count, int(overdue or 0), oldest) for holder, count, overdue, oldest in rows}
    staff = db.session.scalars(
        select(User).where(
            User.unit_id.in_(_subtree_ids(unit)), User.role.in_(HANDLING_ROLES), User.is_active.is_(True)
        )
    ).all()
    # A closed account or one moved elsewhere may still hold open items: it is listed too.
    holders = {holder for holder in loads if holder is not None} - {user.id for user in staff}
    users = [*staff, *db.session.scalars(select(User).where(User.id.in_(holders)))] if holders else list(staff)
    result = []
    for user in users:
        load = loads.pop(user.id, None) or OfficialLoad(None)
        load.user = user
        result.append(load)
    if None in loads:
        result.append(loads[None])
    return sorted(
        result,
        key=lambda load: (-load.overdue_count, -load.open_count, load.user.display_name if load.user else ""),
    )


def notices_ending_soon(unit, today):
    """Published notices posted now whose posting ends within the next 7 days, the soonest first."""
    query = (
        select(Notice)
        .options(joinedload(Notice.unit))
        .where(
            Notice.unit_id.in_(_subtree_ids(unit)),
            Notice.status == "published",
            Notice.posting_start <= today,
            Notice.posting_end >= today,
            Notice.posting_end <= today + timedelta(days=ENDING_SOON_DAYS),
        )
        .order_by(Notice.posting_end, Notice.id)
    )
    return _capped(query)


def notices_posted_late(unit, today):
    """Notices still posted (or about to be) that went up more than 3 working days after their issue."""
    candidates = db.session.scalars(
        select(Notice)
        .options(joinedload(Notice.unit))
        .where(
            Notice.unit_id.in_(_subtree_ids(unit)),
            Notice.status == "published",
            Notice.posting_end >= today,
            Notice.issued_on.is_not(None),
            # Only a start after the issue day can be late; the working days are counted below.
            Notice.posting_start > Notice.issued_on,
        )
        .order_by(Notice.posting_start.desc(), Notice.id.desc())
    ).all()
    late = []
    for notice in candidates:
        delay = workdays.working_days_between(notice.issued_on, notice.posting_start)
        if delay > DISCLOSURE_WORKING_DAYS:
            late.append(LateNotice(notice, delay))
    return Capped(late[:LIST_LIMIT], len(late))


def open_chairman_items(unit):
    """Open complaints and denunciations of the subtree, the nearest due date first."""
    query = (
        select(Feedback)
        .options(joinedload(Feedback.unit), joinedload(Feedback.assigned_to))
        .where(
            Feedback.unit_id.in_(_subtree_ids(unit)),
            Feedback.kind.in_(CHAIRMAN_KINDS),
            Feedback.status.in_(OPEN_STATUSES),
        )
        .order_by(next_due_column().asc().nulls_last(), Feedback.received_at, Feedback.id)
    )
    return _capped(query)


def _capped(query):
    rows = db.session.scalars(query.limit(LIST_LIMIT)).unique().all()
    if len(rows) < LIST_LIMIT:
        return Capped(rows, len(rows))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return Capped(rows, total)
