"""When each public notice last changed, and the notices that changed last: what the Atom feeds list.

A notice changes when it is published, corrected (a new version), withdrawn or when its consultation's
result is published (a new result version). Each of these is a column walked newest first through its
own index, 50 notices at a time, so a feed costs a few index walks whatever the number of notices.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only

from app.accounts.models import AdministrativeUnit
from app.consultations.models import Consultation, ConsultationResult
from app.extensions import db
from app.notices.models import Notice, NoticeVersion

PUBLIC_STATUSES = ("published", "withdrawn")
FEED_LENGTH = 50
# Below this many public notices a unit's or category's feed reads its own notices first (a commune
# has hundreds); above it, the site's newest changes are walked until enough are in scope.
SMALL_SCOPE = 2_000


@dataclass(frozen=True)
class NoticeScope:
    """Which public notices a feed follows: all, a unit and everything under it, or one category."""

    unit: AdministrativeUnit | None = None
    category: str | None = None

    def conditions(self, indexed=True):
        """WHERE clauses on Notice: public (published, upcoming, expired or withdrawn) and in scope.

        With `indexed` False they are written so that SQLite cannot search an index with them (`x || ''`,
        `x + 0`): the query then walks the index of its ORDER BY and checks each row, which is the fast plan
        for a large scope whatever the planner's statistics say.
        """
        status, unit_id, category = Notice.status, Notice.unit_id, Notice.category
        if not indexed and db.engine.dialect.name == "sqlite":
            status, unit_id, category = status.concat(""), unit_id + 0, category.concat("")
        clauses = [status.in_(PUBLIC_STATUSES)]
        if self.unit is not None:
            clauses.append(unit_id.in_(select(AdministrativeUnit.id).where(self.unit.subtree_clause())))
        if self.category is not None:
            clauses.append(category == self.category)
        return clauses


@dataclass
class NoticeChange:
    """A notice with what a feed says of its last change."""

    notice: Notice
    updated: datetime  # the last publication, correction, withdrawal or published consultation result
    correction: NoticeVersion | None = None  # the newest correction (a version after the first), if any
    result_published_at: datetime | None = None  # the newest published consultation result, if any

    @property
    def latest(self):
        """What the last change was: "withdrawn", "result", "corrected" or "published"."""
        notice = self.notice
        if notice.status == "withdrawn" and notice.withdrawn_at == self.updated:
            return "withdrawn"
        if self.result_published_at is not None and self.result_published_at == self.updated:
            return "result"
        if self.correction is not None and self.correction.created_at == self.updated:
            return "corrected"
        return "withdrawn" if notice.status == "withdrawn" else "published"


def _is_small(scope):
    """Whether the scope holds fewer than SMALL_SCOPE public notices (counted up to that, in its index)."""
    in_scope = select(Notice.id).where(*scope.conditions()).limit(SMALL_SCOPE).subquery()
    return db.session.scalar(select(func.count()).select_from(in_scope)) < SMALL_SCOPE


def _change_sources(scope):
    """SELECTs of (notice id, time), each newest first: one per kind of change.

    The whole site reads its indexes alone: versions, publication times and consultation results exist only
    for notices that were published, and a published notice stays public (withdrawn at worst). A unit or a
    category walks the same indexes and keeps its own notices, or, when it has few, reads its notices first.
    """
    versions = select(NoticeVersion.notice_id, NoticeVersion.created_at).order_by(NoticeVersion.created_at.desc())
    published = select(Notice.id, Notice.published_at).where(Notice.published_at.is_not(None))
    published = published.order_by(Notice.published_at.desc())
    results = (
        select(Consultation.notice_id, ConsultationResult.published_at)
        .join(Consultation, Consultation.id == ConsultationResult.consultation_id)
        .order_by(ConsultationResult.published_at.desc())
    )
    withdrawn = select(Notice.id, Notice.withdrawn_at).where(Notice.status == "withdrawn")
    withdrawn = withdrawn.where(Notice.withdrawn_at.is_not(None)).order_by(Notice.withdrawn_at.desc())
    if scope.unit is not None or scope.category is not None:
        in_scope = scope.conditions(indexed=_is_small(scope))
        versions = versions.join(Notice, Notice.id == NoticeVersion.notice_id).where(*in_scope)
        published = published.where(*in_scope)
        results = results.join(Notice, Notice.id == Consultation.notice_id).where(*scope.conditions(indexed=False))
        withdrawn = withdrawn.where(*scope.conditions(indexed=False))
    return [versions, published, withdrawn, results]


def _newest_distinct(query, limit):
    """{notice id: its newest time} for the first `limit` notices of a newest-first (notice id, time) SELECT.

    A notice may come several times (one row per correction); more rows are read until `limit` notices
    are found or the rows run out.
    """
    rows_wanted = limit * 2
    while True:
        rows = db.session.execute(query.limit(rows_wanted)).all()
        newest = {}
        for notice_id, moment in rows:
            if moment is not None and notice_id not in newest:
                newest[notice_id] = moment
        if len(newest) >= limit or len(rows) < rows_wanted:
            return newest
        rows_wanted *= 4


def latest_changes(scope, limit=FEED_LENGTH):
    """The `limit` public notices of `scope` that changed last, newest change first, as NoticeChange.

    Each source yields its `limit` newest notices; a notice among the `limit` last changed overall is
    among them in the source of its last change, so the merge is exact.
    """
    newest = {}
    for source in _change_sources(scope):
        for notice_id, moment in _newest_distinct(source, limit).items():
            if notice_id not in newest or moment > newest[notice_id]:
                newest[notice_id] = moment
    chosen = sorted(newest, key=lambda notice_id: (newest[notice_id], notice_id), reverse=True)[:limit]
    return changes_of(chosen)


def changes_of(notice_ids):
    """NoticeChange of each notice id, in the order given (three queries, whatever the number)."""
    if not notice_ids:
        return []
    notices = {
        notice.id: notice
        for notice in db.session.scalars(
            select(Notice).options(joinedload(Notice.unit)).where(Notice.id.in_(notice_ids))
        )
    }
    last_version, correction = {}, {}
    versions = select(NoticeVersion).where(NoticeVersion.notice_id.in_(notice_ids)).order_by(NoticeVersion.number)
    # Only the columns a feed shows: a version's snapshot holds the whole notice.
    versions = versions.options(
        load_only(NoticeVersion.notice_id, NoticeVersion.number, NoticeVersion.created_at, NoticeVersion.reason)
    )
    for version in db.session.scalars(versions):
        last_version[version.notice_id] = version.created_at
        if version.number > 1:
            correction[version.notice_id] = version
    results = {}
    for notice_id, published_at in db.session.execute(
        select(Consultation.notice_id, ConsultationResult.published_at)
        .join(Consultation, Consultation.id == ConsultationResult.consultation_id)
        .where(Consultation.notice_id.in_(notice_ids))
    ):
        if notice_id not in results or published_at > results[notice_id]:
            results[notice_id] = published_at
    changes = []
    for notice_id in notice_ids:
        notice = notices.get(notice_id)
        if notice is None:
            continue
        moments = [notice.published_at, last_version.get(notice_id), notice.withdrawn_at, results.get(notice_id)]
        updated = max((moment for moment in moments if moment is not None), default=notice.updated_at)
        changes.append(NoticeChange(notice, updated, correction.get(notice_id), results.get(notice_id)))
    return changes
