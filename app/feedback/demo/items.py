"""Plan one demo item: who writes, about what and when, its officials' steps, and the row they leave behind.

Each item draws from its own generator seeded with (seed, index). Its history is cut at the present
moment, so recent items are still open; its status comes from the state machine and its fields are set
from its events as the services would have set them.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from app.clock import LOCAL_TZ, to_local
from app.feedback.demo.history import History
from app.feedback.demo.steps import plan_handling
from app.feedback.demo.texts import CITIZEN_TEXTS, fill
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.states import next_status
from app.feedback.tracking import ALPHABET, RANDOM_LENGTH, format_code
from app.notices.demo.places import mobile_number, person

HISTORY_DAYS = 548
KIND_WEIGHTS = {"question": 34, "petition": 36, "information_request": 8, "complaint": 14, "denunciation": 8}


@dataclass
class Context:
    """What every plan reads: the communes, the notices to ask about, the staff, the calendar."""

    communes: list
    weights: list
    today: object
    now: datetime
    notices: dict  # unit_id -> sorted [(publish day, notice id)]
    staff: dict  # unit_id -> user id
    calendar: object
    book: object
    used_codes: set


def _notice_for(rng, ctx, unit_id, day):
    """A notice of the unit published on or before `day`, or None."""
    candidates = ctx.notices.get(unit_id) or []
    candidates = [notice_id for published, notice_id in candidates if published <= day]
    return rng.choice(candidates[-40:]) if candidates else None


def _submitter(rng, kind, commune):
    if kind in ("question", "petition") and rng.random() < 0.45:
        anonymous = {"submitter_name": "", "submitter_phone": "", "submitter_email": "", "submitter_address": ""}
        return {**anonymous, "has_consented": False}
    name, _ = person(rng)
    return {
        "submitter_name": name,
        "submitter_phone": mobile_number(rng),
        "submitter_email": f"nguoidan{rng.randint(100, 99999)}@example.vn" if rng.random() < 0.3 else "",
        "submitter_address": f"{rng.choice(commune.villages).capitalize()}, {commune.label}",
        "has_consented": True,
    }


def id_number(rng):
    """A made-up CCCD number of someone born in Bắc Giang or Bắc Ninh between 1950 and 1999."""
    return f"{rng.choice(('024', '027'))}{rng.choice('01')}{rng.randint(50, 99)}{rng.randint(0, 999_999):06d}"


def _tracking_code(rng, kind, used):
    while True:
        characters = "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        code = format_code(FEEDBACK_KINDS[kind].code_prefix, characters)
        if code not in used:
            used.add(code)
            return code


def plan_item(index, seed, ctx):
    """Plan item number `index`: (its row without id, its event rows without feedback_id)."""
    rng = random.Random(f"{seed}:feedback:{index}")
    commune = rng.choices(ctx.communes, ctx.weights)[0]
    kinds = list(KIND_WEIGHTS)
    kind = kinds[index] if index < len(kinds) else rng.choices(kinds, list(KIND_WEIGHTS.values()))[0]
    # More items lately than 18 months ago, as people learn the site exists.
    received_day = ctx.today - timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.5))
    citizens_hour = datetime.combine(received_day, time(6), tzinfo=LOCAL_TZ) + timedelta(
        minutes=rng.randint(0, 16 * 60)
    )
    received_at = min(citizens_hour.astimezone(UTC), ctx.now - timedelta(minutes=rng.randint(2, 600)))
    template = rng.choice(CITIZEN_TEXTS[kind])
    notice_id = None
    if rng.random() < {"question": 0.75, "petition": 0.15}.get(kind, 0.0):
        notice_id = _notice_for(rng, ctx, commune.unit_id, to_local(received_at).date())
    row = {
        "tracking_code": _tracking_code(rng, kind, ctx.used_codes),
        "kind": kind,
        "notice_id": notice_id,
        "text": fill(template, rng, commune),
        **_submitter(rng, kind, commune),
        "received_at": received_at,
        "forwarded_from_id": None,
        "public_question": "",
        "rating_comment": "",
        "_template": template,
    }
    row["submitter_id_number"] = ""
    if FEEDBACK_KINDS[kind].is_identity_required and row["submitter_name"]:
        row["submitter_id_number"] = id_number(random.Random(f"{seed}:cccd:{index}"))
    history = History(kind, received_at, ctx)
    unit, _ = plan_handling(rng, history, kind, commune, ctx, row)
    # What has not happened yet is not history: recent items stay open.
    history.events = [event for event in history.events if event.created_at <= ctx.now]
    if not any(event.action == "forward_internal" for event in history.events):
        unit, row["forwarded_from_id"] = commune, None
    return _finish(row, history, unit)


def _finish(row, history, unit):
    """Derive the row's status and fields from its events, as the services would have set them."""
    row.pop("_template")
    status, event_rows = None, []
    fields = {
        "unit_id": unit.unit_id,
        "circumstance": None,
        "assigned_to_id": None,
        "acknowledged_at": None,
        "first_response_at": None,
        "answered_at": None,
        "closed_at": None,
        "paused_at": None,
        "extension_count": 0,
        "reopen_count": 0,
        "answer_html": "",
        "is_public": False,
        "rating": None,
        "rated_at": None,
    }
    for event in history.events:
        before = status
        status = "received" if event.action == "receive" else next_status(status, event.action)
        _apply(fields, event, status)
        event_rows.append(
            {
                "action": event.action,
                "from_status": before,
                "to_status": status,
                "actor_id": event.actor_id,
                "created_at": event.created_at,
                "is_public": event.is_public,
                "body": event.body,
                "data": event.data,
            }
        )
    if not fields["is_public"]:
        row["public_question"] = ""
    if fields["rating"] is None:
        row["rating_comment"] = ""
    fields["acknowledge_due"], fields["resolve_due"] = history.due_dates()
    row.update(fields, status=status)
    return row, event_rows


def _apply(fields, event, status):
    moment, action, data = event.created_at, event.action, event.data
    if action in ("acknowledge", "receive_information") and fields["acknowledged_at"] is None:
        fields["acknowledged_at"] = moment
    if action in ("acknowledge", "reject", "request_information", "reply", "forward_internal", "forward_external"):
        fields["first_response_at"] = fields["first_response_at"] or moment
    if action in ("acknowledge", "request_information", "receive_information", "reply") and event.actor_id:
        fields["assigned_to_id"] = fields["assigned_to_id"] or event.actor_id
    if action == "acknowledge" and data.get("circumstance"):
        fields["circumstance"] = data["circumstance"]
    elif action == "extend":
        fields["extension_count"] += 1
        fields["circumstance"] = data.get("circumstance") or fields["circumstance"]
    elif action == "request_information":
        fields["paused_at"] = moment
    elif action == "receive_information":
        fields["paused_at"] = None
    elif action == "reply":
        fields.update(answer_html=event.body, answered_at=moment, is_public=bool(data.get("is_public")))
    elif action == "close":
        fields["closed_at"] = moment
    elif action == "reopen":
        fields.update(closed_at=None, paused_at=None, reopen_count=fields["reopen_count"] + 1)
    elif action == "forward_internal":
        fields.update(assigned_to_id=None, acknowledged_at=None, paused_at=None, circumstance=None)
    elif action == "rate":
        fields.update(rating=data["rating"], rated_at=moment)
