"""The unit's notices beside the queue: drafts to finish, notices posted now, postings ending this week."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import AdministrativeUnit
from app.extensions import db
from app.notices.models import Notice

SHOWN = 5  # the compact list shows the first few of each group


@dataclass
class NoticeGroup:
    key: str
    notices: list
    total: int


def _group(key, conditions, order):
    query = select(Notice).where(*conditions)
    notices = db.session.scalars(query.options(joinedload(Notice.unit)).order_by(*order).limit(SHOWN)).all()
    total = len(notices)
    if total == SHOWN:
        total = db.session.scalar(select(func.count()).select_from(Notice).where(*conditions))
    return NoticeGroup(key, notices, total)


def end_of_week(today):
    """The Sunday closing the week of `today`."""
    return today + timedelta(days=6 - today.weekday())


def notice_groups(unit, today):
    """Return the drafts, the notices posted now and those whose posting ends by Sunday, of `unit`'s subtree."""
    in_subtree = Notice.unit_id.in_(select(AdministrativeUnit.id).where(unit.subtree_clause()))
    posted_now = (Notice.status == "published", Notice.posting_start <= today, Notice.posting_end >= today)
    return [
        _group("draft", (in_subtree, Notice.status == "draft"), (Notice.updated_at.desc(), Notice.id.desc())),
        _group("posting", (in_subtree, *posted_now), (Notice.posting_start.desc(), Notice.id.desc())),
        _group(
            "ending",
            (in_subtree, *posted_now, Notice.posting_end <= end_of_week(today)),
            (Notice.posting_end, Notice.id),
        ),
    ]
