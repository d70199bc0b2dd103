"""Publishing the result of a consultation after its end, in versions like a notice.

Version 1 freezes the tallies: the document (tallies.frozen_document) is stored with its SHA-256, and the
audit entry of the publication carries that SHA-256, so the chain vouches for the counts. A later version
(a corrected summary or answers, with a public reason) keeps the frozen tallies of version 1.
`verify_results` recomputes every stored document's hash and compares it with the chain's.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import to_local, utcnow
from app.consultations import rules
from app.consultations.models import ConsultationResult
from app.consultations.tallies import comment_counts, document_sha256, frozen_document, live_tallies
from app.errors import FieldError
from app.extensions import db
from app.ledger.chain import record
from app.ledger.models import AuditEntry

PUBLISHED_ACTION = "consultation.result_published"


class ResultError(FieldError):
    """The result cannot be published as given; `message` says why in Vietnamese, `field` where."""


def publish_result(consultation, summary, answers, reason, actor):
    """Publish (or publish a new version of) the result; return the ConsultationResult."""
    if consultation.status() != "closed" or consultation.notice.status == "draft":
        raise ResultError(_("Chỉ công bố kết quả sau khi kết thúc thời gian lấy ý kiến."))
    summary = (summary or "").strip()
    if not summary:
        raise ResultError(_("Vui lòng tóm tắt các ý kiến đã nhận."), "summary")
    previous = consultation.result
    reason = (reason or "").strip()
    if previous is not None and not reason:
        raise ResultError(_("Kết quả đã được công bố; phiên bản mới cần nêu lý do (công khai)."), "reason")
    if previous is None:
        document = frozen_document(consultation, live_tallies(consultation), comment_counts(consultation))
        digest = document_sha256(document)
    else:
        document, digest = consultation.results[0].tallies, consultation.results[0].tallies_sha256
    result = ConsultationResult(
        consultation=consultation,
        number=(previous.number + 1) if previous else 1,
        tallies=document,
        tallies_sha256=digest,
        summary=summary,
        answers=[{"opinions": group["opinions"], "answer": group["answer"]} for group in answers],
        reason=reason if previous else "",
        published_by_id=actor.id if actor else None,
        published_at=utcnow(),
    )
    db.session.add(result)
    db.session.flush()
    record(
        PUBLISHED_ACTION,
        result,
        summary[:200],
        {
            "consultation": consultation.id,
            "notice": consultation.notice_id,
            "version": result.number,
            "total": document.get("total"),
            "tallies_sha256": digest,
        },
        actor,
    )
    return result


def result_deadline(consultation, rule_values=None):
    """The last day the first result may be published (None while the period has no end)."""
    return rules.result_due_date(consultation.last_day, rule_values)


def published_on_time(consultation, rule_values=None):
    """True/False once the first result is out; None before."""
    if not consultation.results:
        return None
    due = result_deadline(consultation, rule_values)
    return due is None or to_local(consultation.results[0].published_at).date() <= due


@dataclass
class ResultCheck:
    """What `verify_results` found: how many versions were checked, and what does not match."""

    checked: int = 0
    problems: list = field(default_factory=list)  # English lines for the command line

    @property
    def is_intact(self):
        return not self.problems


def verify_results():
    """Check every published result: its tallies still hash to the SHA-256 sealed in the audit chain."""
    check = ResultCheck()
    sealed = {}
    entries = select(AuditEntry.object_id, AuditEntry.data).where(AuditEntry.action == PUBLISHED_ACTION)
    for object_id, data in db.session.execute(entries):
        sealed[str(object_id)] = (data or {}).get("tallies_sha256")
    first = {}
    for result in db.session.scalars(select(ConsultationResult).order_by(ConsultationResult.id)):
        check.checked += 1
        label = f"consultation {result.consultation_id} result version {result.number}"
        recomputed = document_sha256(result.tallies)
        if recomputed != result.tallies_sha256:
            check.problems.append(f"{label}: the stored tallies no longer match their SHA-256")
        chained = sealed.get(str(result.id))
        if chained is None:
            check.problems.append(f"{label}: no audit entry seals it")
        elif chained != recomputed:
            check.problems.append(f"{label}: the tallies differ from those sealed in the audit chain")
        original = first.setdefault(result.consultation_id, recomputed)
        if recomputed != original:
            check.problems.append(f"{label}: the tallies differ from version 1 (they are frozen)")
    return check
