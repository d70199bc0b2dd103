"""Who is told what about a queue item: the citizen who asked to be told, and the officials who handle it.

Every status change goes through events.apply_action (the receipt through intake), which calls
`event_recorded`. The notifications are written just before the transaction commits (SQLAlchemy's
before_commit), when the item's state is final — a forward has moved it, an extension set its new date —
so they commit, or roll back, with the change that caused them; the worker sends them after commit.

The citizen's address for notifications (`notify_address`) is encrypted on arrival and copied to the
outbox still encrypted: the web process never reads it. A denunciation's address is erased once its
closing message has been delivered; a complaint's or denunciation's text is never quoted to officials.
"""

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.accounts.models import AdministrativeUnit, User
from app.clock import utcnow
from app.extensions import db
from app.feedback import notification_texts as texts
from app.feedback.deadline_flags import next_due
from app.feedback.kinds import kind_label
from app.feedback.models import Feedback
from app.feedback.offices import office_name
from app.notices.following import notify_public_answer
from app.outbox.crypto import seal
from app.outbox.messages import register_template
from app.outbox.models import CHANNELS, Notification
from app.outbox.queue import erase_recipient, notify
from app.sanitize import html_to_text
from app.urls import public_url

_PENDING = "feedback_notifications"
CITIZEN_TEMPLATES = {
    "receive": "feedback.receipt",
    "acknowledge": "feedback.acknowledged",
    "reject": "feedback.rejected",
    "request_information": "feedback.information_requested",
    "forward_internal": "feedback.forwarded",
    "forward_external": "feedback.forwarded",
    "reply": "feedback.answered",
    "close": "feedback.closed",
    "reopen": "feedback.reopened",
    "extend": "feedback.extended",
}
# Public reasons an official wrote for the citizen, quoted in the message.
REASON_ACTIONS = frozenset(
    {"reject", "request_information", "forward_internal", "forward_external", "reopen", "extend"}
)
STAFF_ROLES_TOLD = ("official",)
SILENT_KINDS_FOR_STAFF_TEXT = frozenset({"complaint", "denunciation"})


def subject_of(item):
    return f"feedback:{item.id}"


def follow_item(item, channel, address, in_their_language=True):
    """Keep where the citizen asked to be told of progress (encrypted), if they did, and in which language:
    the one they sent it in (`in_their_language`), or Vietnamese when an official typed it in for them."""
    if channel in CHANNELS and address:
        item.notify_channel = channel
        item.notify_address = seal(address)
    item.notify_language = _language() if in_their_language else "vi"


def item_received(item):
    """The receipt to the citizen and the new-item message to the unit's officials (at commit)."""
    receive = next((event for event in item.events if event.action == "receive"), None)
    if receive is not None:
        event_recorded(receive)


def event_recorded(feedback_event):
    """Note an event of the current transaction; its notifications are written just before commit."""
    db.session.info.setdefault(_PENDING, []).append(feedback_event)


@event.listens_for(Session, "before_commit")
def _write_pending(session):
    pending = session.info.pop(_PENDING, None)
    if not pending or session is not db.session():
        return
    for feedback_event in pending:
        _notify_citizen(feedback_event)
        _notify_staff(feedback_event)
        _notify_notice_followers(feedback_event)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def _language():
    if has_request_context():
        locale = get_locale()
        if locale is not None and locale.language in current_app.config["LANGUAGES"]:
            return locale.language
    return "vi"


def _citizen_payload(item, feedback_event, template):
    # An extension moves the deadline to answer, or (a denunciation not yet accepted) the one to accept it.
    due = (item.resolve_due or next_due(item)) if template == "feedback.extended" else next_due(item)
    payload = {
        "item_id": item.id,
        "code": item.tracking_code,
        "kind": item.kind,
        "template": template,
        "office": office_name(item.unit),
        "due": due.isoformat() if due else None,
    }
    if feedback_event.action == "forward_internal":
        payload["forwarded_to"] = office_name(item.unit)
    elif feedback_event.action == "forward_external":
        payload["forwarded_to"] = (feedback_event.data or {}).get("agency")
    private = {}
    # A denunciation's messages quote nothing of it; an extension's reason is the official's, and the
    # citizen is owed it (its new due date and why).
    if feedback_event.body and (
        feedback_event.action == "extend" or (item.kind != "denunciation" and feedback_event.action in REASON_ACTIONS)
    ):
        private["reason"] = feedback_event.body
    if item.kind != "denunciation":
        if feedback_event.action == "reply":
            private["answer"] = html_to_text(item.answer_html)
    return payload, private


def _notify_citizen(feedback_event):
    item = feedback_event.feedback
    template = CITIZEN_TEMPLATES.get(feedback_event.action)
    if template is None or not item.notify_address:
        return
    queued = None
    if item.notify_stopped_at is None:
        payload, private = _citizen_payload(item, feedback_event, template)
        queued = notify(
            channel=item.notify_channel,
            fallback_channel="sms" if item.notify_channel == "zalo" else None,
            sealed_recipient=item.notify_address,
            template=template,
            payload=payload,
            private=private,
            language=item.notify_language or "vi",
            subject=subject_of(item),
            unit_id=item.unit_id,
        )
    if queued is None and template == "feedback.closed":  # no closing message will go out (unsubscribed, off)
        _forget_denouncer_address(item)


def _notify_notice_followers(feedback_event):
    """An answer made public on a notice: those who follow the notice are told (never who asked)."""
    item = feedback_event.feedback
    if feedback_event.action != "reply" or not item.is_public or item.notice is None:
        return
    answer_url = public_url("notices.show_notice", notice_id=item.notice_id, _anchor="hoi-dap")
    notify_public_answer(item.notice, answer_url, answer_key=f"feedback-event-{feedback_event.id}")


def staff_address(user):
    """(channel, address) a user chose to be told on, or (None, None)."""
    if user.notify_by == "email" and user.email:
        return "email", user.email
    if user.notify_by == "sms" and user.phone:
        return "sms", user.phone
    return None, None


def _officials(unit_id):
    query = select(User).where(User.unit_id == unit_id, User.is_active.is_(True), User.role.in_(STAFF_ROLES_TOLD))
    return list(db.session.scalars(query.order_by(User.id)))


def _staff_recipients(item, feedback_event):
    """(template, users) the officials told of this event, or (None, [])."""
    if feedback_event.action == "receive":
        return "staff.new_item", _officials(item.unit_id)
    if feedback_event.action == "forward_internal":
        return "staff.forwarded_in", _officials(item.unit_id)
    if feedback_event.action == "assign":
        assignee = db.session.get(User, (feedback_event.data or {}).get("to"))
        return "staff.assigned", [assignee] if assignee is not None and assignee.is_active else []
    if feedback_event.action == "receive_information" and feedback_event.actor_id is None:
        users = [item.assigned_to] if item.assigned_to is not None else _officials(item.unit_id)
        return "staff.information_received", users
    return None, []


def _notify_staff(feedback_event):
    item = feedback_event.feedback
    template, users = _staff_recipients(item, feedback_event)
    due = next_due(item)
    source = (feedback_event.data or {}).get("from_unit")
    source_unit = (
        db.session.scalar(select(AdministrativeUnit).where(AdministrativeUnit.code == source)) if source else None
    )
    for user in users:
        channel, address = staff_address(user)
        if channel is None:
            continue
        notify(
            channel=channel,
            recipient=address,
            template=template,
            payload={
                "item_id": item.id,
                "code": item.tracking_code,
                "template": template,
                "kind_label": str(kind_label(item.kind)),
                "unit": item.unit.name,
                "forwarded_from": source_unit.name if source_unit is not None else None,
                "due": due.isoformat() if due else None,
                "user_id": user.id,
            },
            subject=subject_of(item),
            unit_id=item.unit_id,
        )


# --- at delivery --------------------------------------------------------------------------------


def _preload_items(payloads):
    """The items of a batch's citizen messages, in one query (read by is_wanted and the renderer)."""
    ids = {payload["item_id"] for payload in payloads if payload.get("item_id")}
    return list(db.session.scalars(select(Feedback).where(Feedback.id.in_(ids)))) if ids else []


def _preload_users(payloads):
    """The officials a batch's staff messages go to, in one query."""
    ids = {payload["user_id"] for payload in payloads if payload.get("user_id")}
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def _citizen_still_wanted(notification, payload):
    item = db.session.get(Feedback, payload["item_id"])
    return item is not None and item.notify_address is not None and item.notify_stopped_at is None


def _staff_still_wanted(notification, payload):
    user = db.session.get(User, payload["user_id"]) if payload.get("user_id") else None
    return user is not None and user.is_active and staff_address(user)[0] == notification.channel


def _after_closing(notification, payload):
    """A denouncer's address is erased once the closing message went out, or will never go out (suppressed,
    failed for good): they follow by code only."""
    item = db.session.get(Feedback, payload["item_id"])
    if item is not None:
        _forget_denouncer_address(item)


def _forget_denouncer_address(item):
    """Erase a denouncer's notification address: from the item and from every message about it."""
    if item.kind != "denunciation":
        return
    item.notify_address = None
    item.notify_stopped_at = item.notify_stopped_at or utcnow()
    erase_recipient(db.session.scalars(select(Notification).where(Notification.subject == subject_of(item))))


def stop_notifications(item):
    """The citizen's one-click unsubscribe: no further message about this item (a denouncer's address,
    needed for nothing more, is erased at once)."""
    if item.notify_stopped_at is None:
        item.notify_stopped_at = utcnow()
    _forget_denouncer_address(item)
    db.session.flush()


def sent_to_citizen(item):
    """[(channel, sent_at)] of the messages the citizen was sent (the tracking page says so, no address)."""
    query = (
        select(Notification.sent_channel, Notification.channel, Notification.sent_at)
        .where(
            Notification.subject == subject_of(item),
            Notification.status == "sent",
            Notification.template.like("feedback.%"),
        )
        .order_by(Notification.sent_at)
    )
    return [(sent_channel or channel, sent_at) for sent_channel, channel, sent_at in db.session.execute(query)]


def notify_state(item):
    """ "on" while the citizen is told of progress, "stopped" after unsubscribing or erasure, else None."""
    if item.notify_stopped_at is not None:
        return "stopped"
    return "on" if item.notify_address else None


def channel_labels():
    return {"email": _("một email"), "sms": _("một tin nhắn SMS"), "zalo": _("một tin nhắn Zalo")}


def register_notification_templates():
    for template in CITIZEN_TEMPLATES.values():
        register_template(
            template,
            texts.render_citizen,
            is_wanted=_citizen_still_wanted,
            on_sent=_after_closing if template == "feedback.closed" else None,
            on_given_up=_after_closing if template == "feedback.closed" else None,
            preload=_preload_items,
        )
    for template in ("staff.new_item", "staff.forwarded_in", "staff.information_received", "staff.assigned"):
        register_template(template, texts.render_staff, is_wanted=_staff_still_wanted, preload=_preload_users)
    register_template("staff.digest", texts.render_digest, is_wanted=_staff_still_wanted, preload=_preload_users)
