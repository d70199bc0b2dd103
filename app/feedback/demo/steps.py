"""Plan what officials do with a demo item: accept, ask, extend, forward, answer, close, reopen — late or in time."""

from datetime import timedelta

from app.clock import to_local
from app.feedback.deadlines import DENUNCIATION_EXTENSION, RESOLVE
from app.feedback.demo.texts import (
    AGENCIES,
    EXTENSION_REASONS,
    FORWARD_REASONS,
    PUBLIC_QUESTIONS,
    QUESTIONS,
    RATING_COMMENTS,
    REJECT_REASONS,
    REOPEN_REASONS,
    REQUESTS,
    SUPPLIED,
    answers_for,
    fill,
)


def plan_handling(rng, history, kind, commune, ctx, row):
    """Append the officials' steps; returns the unit that handles the item in the end."""
    unit, actor = commune, ctx.staff.get(commune.unit_id)
    late = rng.random() < 0.18
    outcome = rng.choices(["answer", "reject", "external", "forward", "abandon"], [78, 5, 3, 6, 8])[0]
    acknowledge_due, _ = history.due_dates()
    has_acceptance = acknowledge_due is not None or rng.random() < 0.5
    if outcome == "reject":
        reason = fill(rng.choice(REJECT_REASONS), rng, unit)
        history.add(rng, "reject", history.day_for(rng, acknowledge_due, late, 3), actor, reason)
        _maybe_close(rng, history, actor)
        return unit, outcome
    if outcome == "forward":
        target = rng.choice([candidate for candidate in ctx.communes if candidate.unit_id != unit.unit_id])
        history.add(
            rng,
            "forward_internal",
            history.day_for(rng, acknowledge_due, False, 3),
            actor,
            fill(rng.choice(FORWARD_REASONS), rng, unit, target),
            data={"from_unit": unit.code, "to_unit": target.code},
        )
        row["forwarded_from_id"] = unit.unit_id
        unit, actor = target, ctx.staff.get(target.unit_id)
        acknowledge_due, _ = history.due_dates()
        late = rng.random() < 0.18
    if has_acceptance:
        data = {}
        if kind == "complaint" and rng.random() < 0.25:
            data["circumstance"] = rng.choice(("remote", "complex"))
        day = history.day_for(rng, acknowledge_due, late and rng.random() < 0.5, 3)
        history.add(rng, "acknowledge", day, actor, data=data)
    if outcome == "external":
        agency = rng.choice(AGENCIES)
        body = f"Chuyển đến {agency}. Lý do: nội dung thuộc thẩm quyền của {agency}."
        day = history.last_day() + timedelta(days=rng.randint(0, 5))
        history.add(rng, "forward_external", day, actor, body, data={"agency": agency})
        _maybe_close(rng, history, actor)
        return unit, outcome
    if rng.random() < 0.1:
        asked = history.last_day() + timedelta(days=rng.randint(0, 4))
        history.add(rng, "request_information", asked, actor, rng.choice(REQUESTS))
        if rng.random() < 0.15:
            return unit, "waiting"
        supplied = history.last_day() + timedelta(days=rng.randint(2, 12))
        history.add(rng, "receive_information", supplied, actor)
        note = fill(rng.choice(SUPPLIED), rng, unit)
        history.add(rng, "note", supplied, actor, note, False, {"information_received": True})
    _plan_extensions(rng, history, kind, actor)
    if outcome == "abandon":
        return unit, outcome
    _plan_answer(rng, history, kind, unit, actor, late, row)
    return unit, outcome


def _maybe_close(rng, history, actor, chance=0.5):
    if rng.random() < chance:
        history.add(rng, "close", history.last_day() + timedelta(days=rng.randint(1, 10)), actor)


def _extend(rng, history, day, actor, reason, option, circumstance=None, add=None):
    data = {"step": RESOLVE, "option": option, "circumstance": circumstance, "add": add}
    history.add(rng, "extend", day, actor, reason, data=data)


def _plan_extensions(rng, history, kind, actor):
    accepted = any(event.action in ("acknowledge", "receive_information") for event in history.events)
    if not accepted:
        return
    reason = rng.choice(EXTENSION_REASONS)
    day = history.last_day() + timedelta(days=rng.randint(3, 20))
    if kind == "denunciation" and rng.random() < 0.25:
        for _ in range(2 if rng.random() < 0.3 else 1):
            add = {"amount": DENUNCIATION_EXTENSION.amount, "unit": DENUNCIATION_EXTENSION.unit}
            _extend(rng, history, day, actor, reason, "resolve", add=add)
            day += timedelta(days=rng.randint(15, 30))
    elif kind == "information_request" and rng.random() < 0.2:
        _extend(rng, history, history.last_day(), actor, reason, "complex", "complex")
    elif kind == "complaint" and rng.random() < 0.15:
        current = next(
            (event.data.get("circumstance") for event in history.events if event.action == "acknowledge"), None
        )
        option = "complex" if current != "complex" else "remote"
        circumstance = "complex_remote" if current in ("complex", "remote") else option
        _extend(rng, history, day, actor, reason, option, circumstance)


def _plan_answer(rng, history, kind, unit, actor, late, row):
    _, resolve_due = history.due_dates()
    is_public = kind == "question" and row["notice_id"] is not None and rng.random() < 0.4
    answer = fill(rng.choice(answers_for(kind, row["_template"])), rng, unit)
    day = history.day_for(rng, resolve_due, late, 10)
    reply = history.add(rng, "reply", day, actor, answer, data={"is_public": is_public})
    if is_public:
        row["public_question"] = PUBLIC_QUESTIONS[QUESTIONS.index(row["_template"])]
    if rng.random() < 0.45:
        rating = rng.choices([1, 2, 3, 4, 5], [6, 8, 18, 34, 34])[0]
        history.add(rng, "rate", history.last_day() + timedelta(days=rng.randint(0, 15)), None, data={"rating": rating})
        row["rating_comment"] = rng.choice(RATING_COMMENTS)
    if rng.random() < 0.65:
        history.add(rng, "close", to_local(reply.created_at).date() + timedelta(days=rng.randint(1, 10)), actor)
        if rng.random() < 0.05:
            reopened = history.last_day() + timedelta(days=rng.randint(2, 20))
            history.add(rng, "reopen", reopened, actor, rng.choice(REOPEN_REASONS))
            if rng.random() < 0.7:
                _, resolve_due = history.due_dates()
                again = fill(rng.choice(answers_for(kind, row["_template"])), rng, unit)
                day = history.day_for(rng, resolve_due, rng.random() < 0.2, 10)
                history.add(rng, "reply", day, actor, again, data={"is_public": is_public})
