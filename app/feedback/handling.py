"""Officials' actions on queue items: acknowledge, reject, ask, reply, forward, extend, close, reopen.

Every status change goes through `apply_action` (state machine, event with the server's time, audit
entry); each service checks the state first, so a stale form gets IllegalTransition before any
question about its content. Due dates are never edited by hand: they are *replayed* from the item's history (receipt,
acceptance, pauses, extensions, forwards, reopenings) with the deadline engine, by the same code
whether an official acts or an administrator changes a holiday. Services flush, never commit.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.clock import LOCAL_TZ, local_today, to_local
from app.extensions import db
from app.feedback.calendar import RESOLVE_FROM_ACCEPTANCE, load_calendar, load_rules
from app.feedback.deadlines import (
    ACKNOWLEDGE,
    DENUNCIATION_EXTENSION,
    MAX_DENUNCIATION_EXTENSIONS,
    RESOLVE,
    Rule,
    compute_due_date,
    resume_after_pause,
    rule_for,
)
from app.feedback.events import apply_action
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES, next_status
from app.ledger.chain import record
from app.ledger.models import AuditEntry
from app.sanitize import clean_html, html_to_text

COMPLAINT_CIRCUMSTANCES = ("complex", "remote", "complex_remote")
RECOMPUTE_BATCH = 500
RULE_CHANGE_ACTION = "deadline_rule.updated"  # written by app.feedback.admin.set_rule


class HandlingError(ValueError):
    """The law or the item does not allow what was asked; the message says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- the clock: due dates replayed from the history ------------------------------------------


@dataclass
class Period:
    """One statutory period: a rule from a start day, then pauses and added time, in order."""

    start: object  # date
    rule: Rule
    changes: list = field(default_factory=list)  # ("pause", paused_on, resumed_on) or ("add", Rule)

    def deadline(self, calendar):
        """Return (the rule's Deadline from the start, the due date after pauses and additions)."""
        base = compute_due_date(calendar, self.start, self.rule)
        due = base.due_date
        for change in self.changes:
            if change[0] == "pause":
                _, paused_on, resumed_on = change
                # A period already over when the clock stopped is not revived by the pause.
                if due >= paused_on:
                    due = resume_after_pause(calendar, due, paused_on, resumed_on, self.rule.unit)
            else:
                due = compute_due_date(calendar, due, change[1]).due_date
        return base, due


@dataclass
class Clock:
    """Where an item's periods stand after its history."""

    acknowledge: Period | None
    resolve: Period | None
    is_acknowledged: bool = False
    circumstance: str | None = None
    paused_on: object = None  # date

    def due_dates(self, calendar):
        """Return (acknowledge_due, resolve_due)."""
        return (
            self.acknowledge.deadline(calendar)[1] if self.acknowledge else None,
            self.resolve.deadline(calendar)[1] if self.resolve else None,
        )


def _fresh_clock(kind, day, rules):
    """The periods that start when a unit receives an item (on receipt, or on an internal forward)."""
    acknowledge_rule = rule_for(kind, ACKNOWLEDGE, None, rules)
    resolve_rule = None if kind in RESOLVE_FROM_ACCEPTANCE else rule_for(kind, RESOLVE, None, rules)
    return Clock(
        acknowledge=Period(day, acknowledge_rule) if acknowledge_rule else None,
        resolve=Period(day, resolve_rule) if resolve_rule else None,
    )


def _accept(clock, kind, day, rules):
    clock.is_acknowledged = True
    if clock.resolve is None and kind in RESOLVE_FROM_ACCEPTANCE:
        rule = rule_for(kind, RESOLVE, clock.circumstance, rules)
        clock.resolve = Period(day, rule) if rule else None


def _advance(clock, kind, action, day, data, rules):
    """Move the clock through one event on `day` (a local date). Returns the clock (possibly a new one)."""
    if action == "acknowledge":
        if data.get("circumstance"):
            clock.circumstance = data["circumstance"]
        _accept(clock, kind, day, rules)
    elif action == "request_information":
        clock.paused_on = day
    elif action == "receive_information":
        if clock.paused_on is not None:
            pause = ("pause", clock.paused_on, day)
            if clock.acknowledge is not None and not clock.is_acknowledged:
                clock.acknowledge.changes.append(pause)
            if clock.resolve is not None:
                clock.resolve.changes.append(pause)
            clock.paused_on = None
        if not clock.is_acknowledged:
            _accept(clock, kind, day, rules)  # the state machine accepts the item here
    elif action == "extend":
        step = data.get("step")
        period = clock.acknowledge if step == ACKNOWLEDGE else clock.resolve
        circumstance = data.get("circumstance")
        if step == RESOLVE and circumstance:
            clock.circumstance = circumstance
        if period is not None:
            if circumstance:
                period.rule = rule_for(kind, step, circumstance, rules) or period.rule
            if data.get("add"):
                period.changes.append(("add", Rule(data["add"]["amount"], data["add"]["unit"])))
    elif action == "forward_internal":
        return _fresh_clock(kind, day, rules)
    elif action == "reopen":
        rule = rule_for(kind, RESOLVE, clock.circumstance, rules)
        clock.resolve = Period(day, rule) if rule else None
        clock.paused_on = None
    return clock


def _local_day(moment):
    return to_local(moment).date()


@dataclass
class RuleBook:
    """The rules in force at any moment: today's, with each administrator's change undone before its time.

    A rule change applies to the steps taken after it, never to periods already running; replaying an
    old item (after a holiday override, say) therefore uses the rules of the day each period started.
    """

    current: dict
    changes: dict  # (kind, step) -> [(moment, Rule before the change), ...] oldest first

    def at(self, moment):
        rules = dict(self.current)
        for key, changes in self.changes.items():
            later = [before for changed_at, before in changes if changed_at > moment]
            if later:
                rules[key] = later[0]
        return rules


def load_rule_book():
    """Today's rules and the history of their changes (from the audit entries of set_rule)."""
    changes = {}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == RULE_CHANGE_ACTION).order_by(AuditEntry.id)
    )
    for entry in entries:
        data = entry.data or {}
        before = data.get("before")
        if data.get("kind") and data.get("step") and before:
            changes.setdefault((data["kind"], data["step"]), []).append((entry.created_at, Rule(*before)))
    return RuleBook(load_rules(), changes)


def replay_clock(item, book=None):
    """Return the item's Clock after every event of its history."""
    book = book or load_rule_book()
    clock = _fresh_clock(item.kind, _local_day(item.received_at), book.at(item.received_at))
    for event in sorted(item.events, key=lambda event: event.id or 0):
        day = _local_day(event.created_at)
        clock = _advance(clock, item.kind, event.action, day, event.data or {}, book.at(event.created_at))
    return clock


def due_date_explanations(item, calendar=None, book=None):
    """For the item page: each running period with its start, rule, skipped days and final due date."""
    calendar = calendar or load_calendar()
    clock = replay_clock(item, book)
    explained = []
    for step, period in ((ACKNOWLEDGE, clock.acknowledge), (RESOLVE, clock.resolve)):
        if period is None:
            continue
        base, due = period.deadline(calendar)
        explained.append(
            {
                "step": step,
                "start": period.start,
                "rule": period.rule,
                "base_due": base.due_date,
                "skipped": base.skipped,
                "pauses": [change[1:] for change in period.changes if change[0] == "pause"],
                "additions": [change[1] for change in period.changes if change[0] == "add"],
                "due": due,
            }
        )
    return explained


def _iso(day):
    return day.isoformat() if day else None


def _transition(item, action, actor, body="", is_public=True, data=None):
    """Apply `action` and store the due dates the history now gives; the audit entry carries the change."""
    next_status(item.status, action)  # IllegalTransition before anything is computed
    data = dict(data or {})
    book, calendar = load_rule_book(), load_calendar()
    clock = _advance(replay_clock(item, book), item.kind, action, local_today(), data, book.current)
    acknowledge_due, resolve_due = clock.due_dates(calendar)
    changed = {}
    if acknowledge_due != item.acknowledge_due:
        changed["acknowledge_due"] = [_iso(item.acknowledge_due), _iso(acknowledge_due)]
    if resolve_due != item.resolve_due:
        changed["resolve_due"] = [_iso(item.resolve_due), _iso(resolve_due)]
    if changed:
        data["due_dates"] = changed
    event = apply_action(item, action, actor, body=body, is_public=is_public, data=data)
    item.acknowledge_due, item.resolve_due = acknowledge_due, resolve_due
    return event


def _required(text, message):
    text = (text or "").strip()
    if not text:
        raise HandlingError(message)
    return text


def _assign_if_unassigned(item, actor):
    if item.assigned_to_id is None and actor is not None:
        item.assigned_to_id = actor.id


def _first_response(item, moment):
    if item.first_response_at is None:
        item.first_response_at = moment


# --- actions ---------------------------------------------------------------------------------


def acknowledge(item, actor, circumstance=None):
    """Accept the item; complaints and denunciations start their resolution period today."""
    next_status(item.status, "acknowledge")
    if circumstance and (item.kind != "complaint" or circumstance not in COMPLAINT_CIRCUMSTANCES):
        raise HandlingError(_("Chỉ khiếu nại mới có trường hợp phức tạp hoặc vùng khó khăn."))
    event = _transition(item, "acknowledge", actor, data={"circumstance": circumstance} if circumstance else None)
    if circumstance:
        item.circumstance = circumstance
    if item.acknowledged_at is None:
        item.acknowledged_at = event.created_at
    _first_response(item, event.created_at)
    _assign_if_unassigned(item, actor)
    db.session.flush()
    return event


def reject(item, actor, reason):
    """Refuse the item with a public reason (e.g. not within the commune's competence)."""
    next_status(item.status, "reject")
    reason = _required(reason, _("Vui lòng nêu lý do không thụ lý; người gửi sẽ đọc được lý do này."))
    event = _transition(item, "reject", actor, body=reason)
    _first_response(item, event.created_at)
    db.session.flush()
    return event


def request_information(item, actor, message):
    """Ask the citizen for more information (public); the clock stops until it arrives."""
    next_status(item.status, "request_information")
    message = _required(message, _("Vui lòng ghi rõ cần người gửi bổ sung thông tin gì."))
    event = _transition(item, "request_information", actor, body=message)
    item.paused_at = event.created_at
    _first_response(item, event.created_at)
    _assign_if_unassigned(item, actor)
    db.session.flush()
    return event


def receive_information(item, actor, text):
    """Record the citizen's reply (taken by phone, in person…); the clock runs again with the days left.

    The state change is public; what the citizen said stays in an internal note.
    """
    next_status(item.status, "receive_information")
    text = _required(text, _("Vui lòng ghi lại thông tin người gửi đã bổ sung."))
    event = _transition(item, "receive_information", actor)
    apply_action(item, "note", actor, body=text, is_public=False, data={"information_received": True})
    item.paused_at = None
    if item.acknowledged_at is None:
        item.acknowledged_at = event.created_at
    _assign_if_unassigned(item, actor)
    db.session.flush()
    return event


def can_answer_publicly(item):
    """Only a question about a notice can have its answer shown on the notice."""
    return item.kind == "question" and item.notice_id is not None


@dataclass(frozen=True)
class PublicAnswer:
    """A question on a notice and its answer, as the public sees them: the official's edited question only."""

    question: str
    answer_html: str  # sanitised by the reply service
    answered_at: datetime


def public_answers(notices):
    """Return {notice id: [PublicAnswer, newest first]} for `notices`, in one query.

    Never the citizen's own words or contact: only what an official chose to publish.
    """
    ids = [notice.id for notice in notices]
    answers = {notice_id: [] for notice_id in ids}
    if not ids:
        return answers
    rows = db.session.execute(
        select(Feedback.notice_id, Feedback.public_question, Feedback.answer_html, Feedback.answered_at)
        .where(
            Feedback.notice_id.in_(ids),
            Feedback.kind == "question",
            Feedback.is_public.is_(True),
            Feedback.answered_at.is_not(None),
            Feedback.public_question != "",
            Feedback.answer_html != "",
        )
        .order_by(Feedback.answered_at.desc(), Feedback.id.desc())
    )
    for notice_id, question, answer_html, answered_at in rows:
        answers[notice_id].append(PublicAnswer(question, answer_html, answered_at))
    return answers


def _folded(text):
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def personal_details_in(item, *texts):
    """Names of the submitter's details (name, phone, email, address) that appear in any of `texts`."""
    joined = _folded(" ".join(texts))
    digits = re.sub(r"\D", "", joined)
    found = []
    name = _folded(item.submitter_name)
    if name and len(name) >= 4 and name in joined:
        found.append(_("họ tên"))
    phone = re.sub(r"\D", "", item.submitter_phone or "")
    national = "0" + phone[2:] if phone.startswith("84") else phone
    if phone and (national in digits or phone in digits):
        found.append(_("số điện thoại"))
    email = _folded(item.submitter_email)
    if email and email in joined:
        found.append(_("email"))
    address = _folded(item.submitter_address)
    if address and len(address) >= 8 and address in joined:
        found.append(_("địa chỉ"))
    return found


def reply(item, actor, answer_html, is_public=False, public_question=None):
    """Answer the citizen (sanitised rich text); a question on a notice may be answered in public."""
    next_status(item.status, "reply")
    answer = clean_html(answer_html or "")
    if not html_to_text(answer):
        raise HandlingError(_("Vui lòng nhập nội dung trả lời."))
    question = (public_question or "").strip()
    if is_public:
        if not can_answer_publicly(item):
            raise HandlingError(_("Chỉ câu hỏi về một thông báo mới công khai được câu trả lời trên thông báo đó."))
        if not question:
            raise HandlingError(
                _("Để công khai, vui lòng nhập câu hỏi đã biên tập (bỏ họ tên, số điện thoại, địa chỉ người hỏi).")
            )
        found = personal_details_in(item, question, html_to_text(answer))
        if found:
            raise HandlingError(
                _(
                    "Câu hỏi hoặc câu trả lời công khai còn chứa %(details)s của người hỏi; "
                    "hãy xóa trước khi công khai.",
                    details=", ".join(found),
                )
            )
    event = _transition(item, "reply", actor, body=answer, data={"is_public": bool(is_public)})
    item.answer_html = answer
    item.answered_at = event.created_at
    item.is_public = bool(is_public)
    item.public_question = question if is_public else ""
    _first_response(item, event.created_at)
    _assign_if_unassigned(item, actor)
    db.session.flush()
    return event


def forward(item, actor, target_unit, reason):
    """Send the item to another unit in the system: it leaves this queue and its periods restart there."""
    next_status(item.status, "forward_internal")
    reason = _required(reason, _("Vui lòng nêu lý do chuyển; người gửi sẽ đọc được lý do này."))
    if target_unit is None:
        raise HandlingError(_("Không tìm thấy đơn vị nhận; hãy chọn một đơn vị trong danh sách."))
    if target_unit.id == item.unit_id:
        raise HandlingError(_("Đơn vị nhận phải khác đơn vị đang giải quyết."))
    if not target_unit.is_current:
        raise HandlingError(_("Đơn vị này không còn tồn tại (đã sáp nhập); hãy chọn đơn vị hiện hành."))
    source = item.unit
    event = _transition(
        item, "forward_internal", actor, body=reason, data={"from_unit": source.code, "to_unit": target_unit.code}
    )
    item.forwarded_from = source
    item.unit = target_unit
    item.assigned_to_id = None
    item.acknowledged_at = None
    item.paused_at = None
    item.circumstance = None
    _first_response(item, event.created_at)
    db.session.flush()
    return event


def forward_external(item, actor, agency_name, reason):
    """Send the item to an agency outside the system (a court, the police, a ministry…)."""
    next_status(item.status, "forward_external")
    agency_name = _required(agency_name, _("Vui lòng ghi tên cơ quan nhận."))
    reason = _required(reason, _("Vui lòng nêu lý do chuyển; người gửi sẽ đọc được lý do này."))
    body = _("Chuyển đến %(agency)s. Lý do: %(reason)s", agency=agency_name, reason=reason)
    event = _transition(item, "forward_external", actor, body=body, data={"agency": agency_name})
    _first_response(item, event.created_at)
    db.session.flush()
    return event


@dataclass(frozen=True)
class Extension:
    """One extension the law allows for an item now."""

    key: str
    step: str
    circumstance: str | None
    add: Rule | None
    label: str


def _extensions_used(item, step):
    return sum(1 for event in item.events if event.action == "extend" and (event.data or {}).get("step") == step)


def _combined_circumstance(current, extra):
    parts = {part for part in (current or "").split("_") if part} | {extra}
    return "complex_remote" if parts >= {"complex", "remote"} else extra


def extension_options(item):
    """Return the extensions the law allows for this item now (empty when none)."""
    options = []
    if item.kind == "denunciation":
        if item.status == "received" and item.acknowledge_due and not _extensions_used(item, ACKNOWLEDGE):
            options.append(
                Extension(
                    "acknowledge", ACKNOWLEDGE, "extended", None, _("Gia hạn thời hạn thụ lý thêm 3 ngày làm việc")
                )
            )
        used = _extensions_used(item, RESOLVE)
        if item.status == "accepted" and item.resolve_due and used < MAX_DENUNCIATION_EXTENSIONS:
            label = _(
                "Gia hạn giải quyết thêm %(days)s ngày (lần %(number)s, tối đa %(max)s lần)",
                days=DENUNCIATION_EXTENSION.amount,
                number=used + 1,
                max=MAX_DENUNCIATION_EXTENSIONS,
            )
            options.append(Extension("resolve", RESOLVE, None, DENUNCIATION_EXTENSION, label))
    elif item.kind == "information_request":
        if item.status == "accepted" and item.resolve_due and not _extensions_used(item, RESOLVE):
            options.append(
                Extension(
                    "complex", RESOLVE, "complex", None, _("Thông tin phức tạp: giải quyết trong 15 ngày làm việc")
                )
            )
    elif item.kind == "complaint":
        if item.status == "accepted" and item.resolve_due and not _extensions_used(item, RESOLVE):
            current = set((item.circumstance or "").split("_"))
            labels = {
                "complex": _("Vụ việc phức tạp: giải quyết trong 45 ngày (60 ngày nếu ở vùng khó khăn)"),
                "remote": _("Vùng sâu, vùng xa đi lại khó khăn: giải quyết trong 45 ngày (60 ngày nếu phức tạp)"),
            }
            for key, label in labels.items():
                if key not in current:
                    options.append(Extension(key, RESOLVE, _combined_circumstance(item.circumstance, key), None, label))
    return options


def _extension_refusal(item):
    if item.kind in ("question", "petition"):
        return _("Pháp luật không quy định gia hạn cho loại ý kiến này.")
    if item.kind == "denunciation" and _extensions_used(item, RESOLVE) >= MAX_DENUNCIATION_EXTENSIONS:
        return _("Tố cáo chỉ được gia hạn giải quyết tối đa %(max)s lần.", max=MAX_DENUNCIATION_EXTENSIONS)
    if item.kind in ("complaint", "information_request") and _extensions_used(item, RESOLVE):
        return _("Loại ý kiến này chỉ được gia hạn một lần, và đã gia hạn rồi.")
    return _("Ở trạng thái hiện tại không thể gia hạn ý kiến này.")


def extend(item, actor, reason, option=None):
    """Lengthen a period where the law allows it, with a public reason; otherwise raise HandlingError."""
    next_status(item.status, "extend")
    options = extension_options(item)
    if not options:
        raise HandlingError(_extension_refusal(item))
    if option is None and len(options) == 1:
        chosen = options[0]
    else:
        chosen = next((candidate for candidate in options if candidate.key == option), None)
        if chosen is None:
            raise HandlingError(_("Vui lòng chọn một cách gia hạn trong danh sách."))
    reason = _required(reason, _("Vui lòng nêu lý do gia hạn; người gửi sẽ đọc được lý do này."))
    data = {
        "step": chosen.step,
        "option": chosen.key,
        "circumstance": chosen.circumstance,
        "add": {"amount": chosen.add.amount, "unit": chosen.add.unit} if chosen.add else None,
    }
    event = _transition(item, "extend", actor, body=reason, data=data)
    item.extension_count += 1
    if chosen.step == RESOLVE and chosen.circumstance:
        item.circumstance = chosen.circumstance
    db.session.flush()
    return event


def close(item, actor):
    """End the handling of an answered, rejected or forwarded item."""
    event = _transition(item, "close", actor)
    item.closed_at = event.created_at
    db.session.flush()
    return event


def reopen(item, actor, reason):
    """Take an answered or closed item up again; the resolution period restarts today."""
    next_status(item.status, "reopen")
    reason = _required(reason, _("Vui lòng nêu lý do mở lại."))
    event = _transition(item, "reopen", actor, body=reason)
    item.reopen_count += 1
    item.closed_at = None
    item.paused_at = None
    db.session.flush()
    return event


def add_note(item, actor, text):
    """An internal note: officials and inspectors see it, the citizen never does."""
    text = _required(text, _("Vui lòng nhập nội dung ghi chú."))
    return apply_action(item, "note", actor, body=text, is_public=False)


def view_identity(item, actor):
    """Record that `actor` was shown the submitter's identity (an internal event and an audit entry)."""
    return apply_action(item, "note", actor, body="", is_public=False, data={"identity_viewed": True})


# --- holiday overrides ----------------------------------------------------------------------


def recompute_due_dates_for_override(day, actor=None):
    """Replay the due dates of open items whose periods may span `day`; return how many changed.

    Called after a holiday override for `day` was added, changed or removed (and flushed).
    """
    calendar, book = load_calendar(), load_rule_book()
    end_of_day = datetime.combine(day + timedelta(days=1), time(), LOCAL_TZ).astimezone(UTC)
    ids = db.session.scalars(
        select(Feedback.id)
        .where(
            Feedback.status.in_(OPEN_STATUSES),
            Feedback.received_at < end_of_day,
            or_(Feedback.acknowledge_due >= day, Feedback.resolve_due >= day),
        )
        .order_by(Feedback.id)
    ).all()
    changed = 0
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        batch = db.session.scalars(
            select(Feedback)
            .where(Feedback.id.in_(ids[start : start + RECOMPUTE_BATCH]))
            .options(selectinload(Feedback.events))
            .order_by(Feedback.id)
        ).all()
        for item in batch:
            acknowledge_due, resolve_due = replay_clock(item, book).due_dates(calendar)
            if (acknowledge_due, resolve_due) == (item.acknowledge_due, item.resolve_due):
                continue
            before = [_iso(item.acknowledge_due), _iso(item.resolve_due)]
            item.acknowledge_due, item.resolve_due = acknowledge_due, resolve_due
            record(
                "feedback.due_dates_recomputed",
                item,
                f"{item.tracking_code}: {day.isoformat()}",
                {"day": day.isoformat(), "before": before, "after": [_iso(acknowledge_due), _iso(resolve_due)]},
                actor,
            )
            changed += 1
        db.session.flush()
    return changed
