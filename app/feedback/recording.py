"""An official records a phone call, a visit or a letter into the queue, as received when it was.

The deadline clocks start from the moment the citizen called, came or wrote, not from when it was typed
in; an item recorded as received more than a few minutes before it was typed in is "back-dated", and
the audit log says so (who, when it was typed, how much earlier), beside the usual "received" entry.
"""

from datetime import timedelta

from app.clock import format_datetime, utcnow
from app.feedback.intake import submit_feedback
from app.ledger.chain import record

# The form starts at the minute it was opened: typing for a few minutes is not back-dating.
BACKDATE_TOLERANCE = timedelta(minutes=10)


def is_backdated(received_at, recorded_at):
    """Whether an item received at `received_at` and typed in at `recorded_at` counts as back-dated."""
    return received_at < recorded_at - BACKDATE_TOLERANCE


def record_contact(*, recorded_by, received_at, channel, recorded_at=None, **submission):
    """Create the queue item of a call, visit or letter (intake.submit_feedback) and audit a back-dating.

    `submission` holds the form's other values (kind, unit, text, contact, notify_channel, notify_address).
    """
    recorded_at = recorded_at or utcnow()
    item = submit_feedback(**submission, channel=channel, received_at=received_at, recorded_by=recorded_by)
    if is_backdated(received_at, recorded_at):
        when = f"nhận lúc {format_datetime(received_at)}, ghi vào lúc {format_datetime(recorded_at)}"
        record(
            "feedback.backdated",
            item,
            f"{item.tracking_code}: {when}",
            {
                "channel": channel,
                "received_at": received_at.isoformat(),
                "recorded_at": recorded_at.isoformat(),
                "minutes_earlier": int((recorded_at - received_at).total_seconds() // 60),
            },
            recorded_by,
        )
    return item
