"""Officials' actions on queue items: acknowledge, reject, ask, reply, forward, extend, close, reopen.

Every status change goes through `apply_action` (state machine, event with the server's time, audit
entry); each service checks the state first, so a stale form gets IllegalTransition before any
question about its content. The due dates each action leaves are replayed from the item's history
(app.feedback.due_dates), never edited by hand. Services flush, never commit.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.feedback import identities, resealing
from app.feedback.deadlines import ACKNOWLEDGE, DENUNCIATION_EXTENSION, MAX_DENUNCIATION_EXTENSIONS, RESOLVE, Rule
from app.feedback.due_dates import due_dates_after, iso_day
from app.feedback.events import apply_action
from app.feedback.public_answers import can_answer_publicly
from app.feedback.publication import publication_refusal
from app.feedback.states import next_status
from app.sanitize import clean_html, html_to_text

COMPLAINT_CIRCUMSTANCES = ("complex", "remote", "complex_remote")


class HandlingError(ValueError):
    """The law or the item does not allow what was asked; the message says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _transition(item, action, actor, body="", is_public=True, data=None):
    """Apply `action` and store the due dates the history now gives; the audit entry carries the change."""
    next_status(item.status, action)  # IllegalTransition before anything is computed
    data = dict(data or {})
    acknowledge_due, resolve_due = due_dates_after(item, action, data)
    changed = {}
    if acknowledge_due != item.acknowledge_due:
        changed["acknowledge_due"] = [iso_day(item.acknowledge_due), iso_day(acknowledge_due)]
    if resolve_due != item.resolve_due:
        changed["resolve_due"] = [iso_day(item.resolve_due), iso_day(resolve_due)]
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
        refusal = publication_refusal(item, question, html_to_text(answer))
        if refusal:
            raise HandlingError(refusal)
    event = _transition(item, "reply", actor, body=answer, data={"is_public": bool(is_public)})
    item.answer_html = answer
    item.answered_at = event.created_at
    item.is_public = bool(is_public)
    item.public_question = question if is_public else ""
    _first_response(item, event.created_at)
    _assign_if_unassigned(item, actor)
    db.session.flush()
    return event


def forward(item, actor, target_unit, reason, private_key=None, resealed=None):
    """Send the item to another unit in the system: it leaves this queue and its periods restart there.

    A sealed denunciation is sealed again for the target unit: in the handler's browser (`resealed`, the
    form's JSON of the boxes, see resealing.read_resealed), or here, opened in memory with `private_key`
    (the current unit's key, from its handler, when JavaScript is off); without either, or with a wrong
    key, HandlingError says so.
    """
    next_status(item.status, "forward_internal")
    reason = _required(reason, _("Vui lòng nêu lý do chuyển; người gửi sẽ đọc được lý do này."))
    if target_unit is None:
        raise HandlingError(_("Không tìm thấy đơn vị nhận; hãy chọn một đơn vị trong danh sách."))
    if target_unit.id == item.unit_id:
        raise HandlingError(_("Đơn vị nhận phải khác đơn vị đang giải quyết."))
    if not target_unit.is_current:
        raise HandlingError(_("Đơn vị này không còn tồn tại (đã sáp nhập); hãy chọn đơn vị hiện hành."))
    try:
        boxes = resealing.read_resealed(resealed)
        if boxes is not None:
            resealing.accept_resealed(item, boxes, target_unit, actor, reason)
        else:
            resealing.reseal(item, private_key, target_unit, actor, reason)
    except identities.IdentityError as error:
        raise HandlingError(error.message) from error
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


ASSIGNABLE_ROLES = ("official", "leader")


def assignable_officials(item):
    """The active officials and leaders of the item's own unit, who may be given it to handle, by name."""
    users = db.session.scalars(
        select(User).where(User.unit_id == item.unit_id, User.role.in_(ASSIGNABLE_ROLES), User.is_active.is_(True))
    ).all()
    return sorted(users, key=lambda user: ((user.display_name or user.username).casefold(), user.username))


def assign(item, actor, official_id, reason=""):
    """Give the item to an official of its unit to handle (internal; the official is told). For a complaint or
    a denunciation this also decides who may see the sender's identity: the assigned handler."""
    next_status(item.status, "assign")
    official = next((user for user in assignable_officials(item) if str(user.id) == str(official_id)), None)
    if official is None:
        raise HandlingError(_("Chỉ giao được cho cán bộ đang làm việc của %(unit)s.", unit=item.unit.name))
    if official.id == item.assigned_to_id:
        raise HandlingError(
            _("%(name)s đang là người xử lý ý kiến này.", name=official.display_name or official.username)
        )
    data = {"to": official.id, "to_name": official.display_name or official.username}
    if item.assigned_to_id is not None:
        data["from"] = item.assigned_to_id
    event = apply_action(item, "assign", actor, body=(reason or "").strip(), is_public=False, data=data)
    item.assigned_to_id = official.id
    db.session.flush()
    return event


def add_note(item, actor, text):
    """An internal note: officials and inspectors see it, the citizen never does."""
    text = _required(text, _("Vui lòng nhập nội dung ghi chú."))
    return apply_action(item, "note", actor, body=text, is_public=False)


def view_identity(item, actor, reason, key_data=None):
    """Show `actor` the submitter's identity and sealed photos, opened with the unit's key; recorded with the reason.

    Return an identities.Revealed; raise identities.IdentityError (a Vietnamese message) for a missing or wrong key.
    """
    return identities.reveal(item, reason, actor=actor, key_data=key_data)
