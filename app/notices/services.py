"""Every state change of a notice: draft, publish, correct, withdraw, attach.

Services flush and write the audit entry in the caller's transaction; the request
(or CLI command) commits once.
"""

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import workdays
from app.clock import local_today, utcnow
from app.errors import FieldError
from app.extensions import db
from app.ledger.chain import record
from app.notices.models import Attachment, Notice, NoticeVersion
from app.notices.signals import notice_changed

# Fields an official edits; everything else is set by the services.
EDITABLE_FIELDS = (
    "category",
    "title",
    "summary",
    "body_html",
    "legal_reference",
    "issued_on",
    "posting_start",
    "posting_end",
    "opinion_end",
    "place",
    "contact_name",
    "contact_position",
    "contact_phone",
)
MINIMUM_POSTING_DAYS = 30
DISCLOSURE_WORKING_DAYS = 3
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud from paper
SHORT_CODE_LENGTH = 6


class NoticeStateError(Exception):
    """The action does not apply to the notice in its current state."""


class NoticeChangeRefused(FieldError):
    """A rule registered by a higher layer refuses the change; `message` says why in Vietnamese, `field`
    names the form field at fault (or None)."""


# rule(notice, changes) -> None, or raise NoticeChangeRefused; `changes` maps each field about to change
# (and "status" on publication) to its new value, the notice still holding the old ones.
_change_rules = []


def add_change_rule(rule):
    """Check every publication and correction of a notice with `rule` before it is applied (the
    consultations keep the opinion-period end to their rules this way: app.consultations.hooks)."""
    if rule not in _change_rules:
        _change_rules.append(rule)


def _check_change(notice, changes):
    for rule in _change_rules:
        rule(notice, changes)


def default_posting_period(today=None):
    """Return the default (start, end): today and 30 days on."""
    start = today or local_today()
    return start, start + timedelta(days=MINIMUM_POSTING_DAYS)


def timeliness_warnings(posting_start, posting_end, issued_on):
    """Return the warnings an official should see before publishing (never a refusal)."""
    warnings = []
    if posting_start and posting_end and (posting_end - posting_start).days < MINIMUM_POSTING_DAYS:
        warnings.append(_l("Thời gian niêm yết ngắn hơn 30 ngày liên tục theo quy định (Nghị định 04/2015/NĐ-CP)."))
    if issued_on and posting_start:
        delay = workdays.working_days_between(issued_on, posting_start)
        if delay > DISCLOSURE_WORKING_DAYS:
            warnings.append(
                _l(
                    "Niêm yết sau %(days)s ngày làm việc kể từ ngày ban hành văn bản; "
                    "quy định là trong vòng 3 ngày làm việc.",
                    days=delay,
                )
            )
    return warnings


def snapshot(notice):
    """Return everything a citizen saw of the notice, as JSON-ready data."""
    data = {field: getattr(notice, field) for field in EDITABLE_FIELDS}
    for field in ("issued_on", "posting_start", "posting_end", "opinion_end"):
        data[field] = data[field].isoformat() if data[field] else None
    data["unit"] = notice.unit.code
    data["attachments"] = [
        {"id": item.id, "name": item.original_name, "sha256": item.sha256} for item in notice.attachments
    ]
    return data


def _changed_fields(notice, fields):
    return [field for field in EDITABLE_FIELDS if field in fields and getattr(notice, field) != fields[field]]


def _apply(notice, fields):
    changed = _changed_fields(notice, fields)
    for field in changed:
        setattr(notice, field, fields[field])
    return changed


def _new_short_code():
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if db.session.scalar(select(Notice.id).where(Notice.short_code == code)) is None:
            return code


def _add_version(notice, actor, reason):
    number = len(notice.versions) + 1
    version = NoticeVersion(
        notice=notice, number=number, snapshot=snapshot(notice), reason=reason, created_by=actor, created_at=utcnow()
    )
    db.session.add(version)
    return version


def create_notice(unit, fields, actor):
    """Create a draft notice of `unit` from validated fields."""
    notice = Notice(unit=unit, status="draft", created_by=actor)
    _apply(notice, fields)
    db.session.add(notice)
    db.session.flush()
    record("notice.created", notice, notice.title, {"unit": unit.code}, actor)
    return notice


def update_draft(notice, fields, actor):
    """Change a draft in place (drafts are not public, so no version is kept)."""
    if notice.status != "draft":
        raise NoticeStateError("only drafts are edited in place")
    changed = _apply(notice, fields)
    db.session.flush()
    record("notice.draft_updated", notice, notice.title, {"fields": changed}, actor)
    return changed


def publish_notice(notice, actor, imported=False):
    """Publish a draft: give it a short code and record version 1.

    `imported`: a record of a notice already posted elsewhere (the importer), taken as it was posted; the
    change rules are for the notices officials publish here."""
    if notice.status != "draft":
        raise NoticeStateError("only drafts are published")
    if not imported:
        _check_change(notice, {"status": "published"})
    notice.status = "published"
    notice.published_at = utcnow()
    notice.short_code = notice.short_code or _new_short_code()
    db.session.flush()
    _add_version(notice, actor, reason="")
    db.session.flush()
    record("notice.published", notice, notice.title, {"short_code": notice.short_code}, actor)
    notice_changed.send(notice)
    return notice


def correct_notice(notice, fields, reason, actor):
    """Correct a published notice: a new public version with the reason, never a silent edit."""
    if notice.status != "published":
        raise NoticeStateError("only published notices are corrected")
    if not reason or not reason.strip():
        raise NoticeStateError("a correction needs a reason")
    _check_change(notice, {field: fields[field] for field in _changed_fields(notice, fields)})
    changed = _apply(notice, fields)
    if not changed:
        return None
    version = _add_version(notice, actor, reason.strip())
    db.session.flush()
    record("notice.corrected", notice, reason.strip(), {"version": version.number, "fields": changed}, actor)
    notice_changed.send(notice)
    return version


def withdraw_notice(notice, reason, actor):
    """Withdraw a published notice; it stays readable, marked, with the reason."""
    if notice.status != "published":
        raise NoticeStateError("only published notices are withdrawn")
    if not reason or not reason.strip():
        raise NoticeStateError("a withdrawal needs a reason")
    notice.status = "withdrawn"
    notice.withdrawn_at = utcnow()
    notice.withdrawal_reason = reason.strip()
    db.session.flush()
    record("notice.withdrawn", notice, notice.withdrawal_reason, {}, actor)
    notice_changed.send(notice)
    return notice


def delete_draft(notice, actor):
    """Delete a draft that was never published (its files go with it after commit)."""
    if notice.status != "draft":
        raise NoticeStateError("only drafts are deleted")
    stored_names = [item.stored_name for item in notice.attachments]
    record("notice.draft_deleted", notice, notice.title, {}, actor)
    db.session.delete(notice)
    db.session.flush()
    return stored_names


def add_attachment(notice, stored, original_name, actor, reason=""):
    """Attach a stored file; on a published notice this is a correction and needs a reason."""
    if notice.status == "withdrawn":
        raise NoticeStateError("withdrawn notices are not changed")
    if notice.status == "published" and not reason.strip():
        raise NoticeStateError("a correction needs a reason")
    attachment = Attachment(
        notice=notice,
        original_name=original_name[:255] or stored.stored_name,
        stored_name=stored.stored_name,
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(attachment)
    db.session.flush()
    if notice.status == "published":
        _add_version(notice, actor, reason.strip())
    record("notice.attachment_added", notice, attachment.original_name, {"sha256": stored.sha256}, actor)
    notice_changed.send(notice)
    return attachment


def remove_attachment(attachment, actor, reason=""):
    """Detach a file; on a published notice this is a correction and needs a reason."""
    notice = attachment.notice
    if notice.status == "withdrawn":
        raise NoticeStateError("withdrawn notices are not changed")
    if notice.status == "published" and not reason.strip():
        raise NoticeStateError("a correction needs a reason")
    notice.attachments.remove(attachment)
    db.session.flush()
    if notice.status == "published":
        _add_version(notice, actor, reason.strip())
    record("notice.attachment_removed", notice, attachment.original_name, {"sha256": attachment.sha256}, actor)
    notice_changed.send(notice)
    return attachment.stored_name
