"""The public notices as rows of the open-data export: what the notice page shows, nothing more.

One SELECT in id order, streamed in batches: the notice with its unit, the count and last of its
corrections and its last published consultation result (for the last change, as the feeds have it).
"""

from sqlalchemy import and_, func, select

from app.accounts.models import AdministrativeUnit
from app.clock import local_today, to_local
from app.consultations.models import Consultation, ConsultationResult
from app.extensions import db
from app.glossary import category_label
from app.notices.models import Notice, NoticeVersion
from app.opendata.addresses import url_template
from app.opendata.changes import PUBLIC_STATUSES
from app.opendata.sitemaps import STREAM_BATCH

_PUBLIC_COLUMNS = (
    Notice.id,
    Notice.short_code,
    Notice.title,
    Notice.summary,
    Notice.body_html,
    Notice.category,
    Notice.status,
    Notice.legal_reference,
    Notice.issued_on,
    Notice.posting_start,
    Notice.posting_end,
    Notice.opinion_end,
    Notice.place,
    Notice.contact_name,
    Notice.contact_position,
    Notice.contact_phone,
    Notice.published_at,
    Notice.withdrawn_at,
    Notice.withdrawal_reason,
)


def iso_moment(value):
    """A stored UTC time as ISO 8601 in Vietnam time (2026-03-01T08:30:00+07:00), or None."""
    return to_local(value).isoformat(timespec="seconds") if value else None


def iso_day(value):
    return value.isoformat() if value else None


def public_status(status, posting_start, posting_end, today):
    """Notice.public_status for a row: withdrawn, upcoming, expired or published."""
    if status != "published":
        return status
    if posting_end < today:
        return "expired"
    if posting_start > today:
        return "upcoming"
    return "published"


def _query():
    """The public notices in id order, each with its versions' count, its last correction and last result.

    The count reads the (notice_id, number) index only (a version's row holds the whole notice), and only
    the last correction's row is read; the notices are read in id order without an index, so rows stream
    out as they are read, with nothing to sort.
    """
    numbers = (
        select(
            NoticeVersion.notice_id.label("notice_id"),
            func.count().label("versions"),
            func.max(NoticeVersion.number).label("last_number"),
        )
        .group_by(NoticeVersion.notice_id)
        .subquery()
    )
    last_correction = NoticeVersion.__table__.alias("last_correction")
    results = (
        select(Consultation.notice_id.label("notice_id"), func.max(ConsultationResult.published_at).label("at"))
        .join(Consultation, Consultation.id == ConsultationResult.consultation_id)
        .group_by(Consultation.notice_id)
        .subquery()
    )
    status = Notice.status
    if db.engine.dialect.name == "sqlite":
        status = status.concat("")  # not through the status index: the primary key's order is the output's
    return (
        select(
            *_PUBLIC_COLUMNS,
            Notice.unit_id,
            numbers.c.versions,
            last_correction.c.created_at.label("last_corrected_at"),
            last_correction.c.reason.label("last_correction_reason"),
            results.c.at.label("result_published_at"),
        )
        .outerjoin(numbers, numbers.c.notice_id == Notice.id)
        .outerjoin(
            last_correction,
            and_(
                last_correction.c.notice_id == Notice.id,
                last_correction.c.number == numbers.c.last_number,
                last_correction.c.number > 1,
            ),
        )
        .outerjoin(results, results.c.notice_id == Notice.id)
        .where(status.in_(PUBLIC_STATUSES))
        .order_by(Notice.id)
    )


def notice_records(today=None):
    """One dict per public notice, keyed by the export's column names (data/fields.toml), in id order."""
    today = today or local_today()
    page = url_template("notices.show_notice", "notice_id")
    short = url_template("notices.short_url", "code")
    labels = {}
    units = {unit.id: (unit.code, unit.name) for unit in db.session.scalars(select(AdministrativeUnit))}
    for row in db.session.execute(_query().execution_options(yield_per=STREAM_BATCH)):
        unit_code, unit_name = units[row.unit_id]
        if row.category not in labels:
            labels[row.category] = str(category_label(row.category))
        moments = [row.published_at, row.last_corrected_at, row.withdrawn_at, row.result_published_at]
        yield {
            "id": row.id,
            "code": row.short_code,
            "url": page.format(row.id),
            "short_url": short.format(row.short_code) if row.short_code else None,
            "title": row.title,
            "summary": row.summary,
            "body_html": row.body_html,
            "category": row.category,
            "category_label": labels[row.category],
            "unit_code": unit_code,
            "unit_name": unit_name,
            "status": public_status(row.status, row.posting_start, row.posting_end, today),
            "legal_reference": row.legal_reference,
            "issued_on": iso_day(row.issued_on),
            "posting_start": iso_day(row.posting_start),
            "posting_end": iso_day(row.posting_end),
            "opinion_end": iso_day(row.opinion_end),
            "place": row.place,
            "contact_name": row.contact_name,
            "contact_position": row.contact_position,
            "contact_phone": row.contact_phone,
            "published_at": iso_moment(row.published_at),
            "withdrawn_at": iso_moment(row.withdrawn_at),
            "withdrawal_reason": row.withdrawal_reason or None,
            "corrections": max((row.versions or 1) - 1, 0),
            "last_corrected_at": iso_moment(row.last_corrected_at),
            "last_correction_reason": row.last_correction_reason,
            "updated_at": iso_moment(max((moment for moment in moments if moment is not None), default=None)),
        }
