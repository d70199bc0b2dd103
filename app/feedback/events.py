"""Record what happens to a queue item: state machine, event row and audit entry, together."""

from app.clock import utcnow
from app.extensions import db
from app.feedback.models import FeedbackEvent
from app.feedback.notifications import event_recorded
from app.feedback.states import next_status
from app.ledger.chain import record


def apply_action(item, action, actor=None, body="", is_public=False, data=None):
    """Move `item` through `action` (raising IllegalTransition if not allowed) and record it.

    The event's time is the server's; nothing a form sends can set it.
    """
    before = item.status
    item.status = next_status(before, action)
    event = FeedbackEvent(
        feedback=item,
        action=action,
        from_status=before,
        to_status=item.status,
        actor_id=actor.id if actor is not None else None,
        created_at=utcnow(),
        is_public=is_public,
        body=body,
        data=data or {},
    )
    db.session.add(event)
    db.session.flush()
    event_recorded(event)
    record(
        f"feedback.{action}",
        item,
        f"{item.tracking_code}: {before} → {item.status}",
        {"event": event.id, **(data or {})},
        actor,
    )
    return event
