"""Community decisions: what a village decided at a meeting, by ballot or online, recorded by an official.

A decision is adopted when the households agreeing to one option are more than the rule's share of all
the village's households (default: more than 50%, rules.ADOPTION_PERCENT) — not of those who took part.
"Không đồng ý" and "Ý kiến khác" are never adopted. The minutes are stored with the notices' attachment
checks (content-sniffed type, size limit, random name, SHA-256).
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import local_today, utcnow
from app.consultations import rules
from app.consultations.choices import PRESET, choice_label
from app.consultations.models import DECISION_FORMS, CommunityDecision
from app.consultations.services import consultation_of
from app.errors import FieldError
from app.extensions import db
from app.ledger.chain import record

NOT_ADOPTABLE = frozenset({"disagree", "other"})


class DecisionError(FieldError):
    """The community decision cannot be recorded as given; `message` says why in Vietnamese, `field` where."""


def decision_options(notice):
    """[(key, label)] voted on: the notice's consultation's choices, or agree / disagree / other."""
    consultation = consultation_of(notice.id)
    if consultation is not None:
        return [(key, choice_label(consultation, key)) for key in consultation.choice_keys]
    return [(key, label) for key, label in PRESET]


def adopted_option(options, households_total, percent):
    """The key of the option more than `percent`% of all households agreed to, or None."""
    for option in options:
        if option["key"] in NOT_ADOPTABLE:
            continue
        if option["votes"] * 100 > percent * households_total:
            return option["key"]
    return None


def record_decision(notice, fields, stored, original_name, actor):
    """Record a decision and its stored minutes (a notices.storage.StoredFile); return the row."""
    if notice.status != "published":
        raise DecisionError(_("Chỉ ghi nhận quyết định trên thông báo đang niêm yết."))
    total, taking_part = fields["households_total"], fields["households_participating"]
    if fields["method"] not in DECISION_FORMS:
        raise DecisionError(_("Hình thức không hợp lệ."), "method")
    if fields["decided_on"] > local_today():
        raise DecisionError(_("Ngày họp, biểu quyết không thể ở tương lai."), "decided_on")
    if taking_part > total:
        raise DecisionError(_("Số hộ tham gia không thể lớn hơn tổng số hộ."), "households_participating")
    options = [
        {"key": key, "label": str(label), "votes": int(votes)}
        for (key, label), votes in zip(decision_options(notice), fields["votes"], strict=True)
    ]
    if sum(option["votes"] for option in options) > taking_part:
        raise DecisionError(_("Tổng số phiếu không thể lớn hơn số hộ tham gia."), "votes")
    percent = rules.adoption_percent()
    adopted = adopted_option(options, total, percent)
    decision = CommunityDecision(
        notice_id=notice.id,
        village=" ".join(fields["village"].split()),
        matter=fields["matter"].strip(),
        decided_on=fields["decided_on"],
        form=fields["method"],
        households_total=total,
        households_participating=taking_part,
        options=options,
        threshold_percent=percent,
        adopted_option=adopted,
        is_adopted=adopted is not None,
        minutes_name=original_name[:255] or stored.stored_name,
        minutes_stored_name=stored.stored_name,
        minutes_media_type=stored.media_type,
        minutes_size=stored.size,
        minutes_sha256=stored.sha256,
        recorded_by_id=actor.id if actor else None,
        recorded_at=utcnow(),
    )
    db.session.add(decision)
    db.session.flush()
    record(
        "community_decision.recorded",
        decision,
        decision.matter[:200],
        {
            "notice": notice.id,
            "village": decision.village,
            "households_total": total,
            "votes": {option["key"]: option["votes"] for option in options},
            "adopted_option": adopted,
            "threshold_percent": percent,
            "minutes_sha256": stored.sha256,
        },
        actor,
    )
    return decision


def notice_decisions(notice_id):
    query = (
        select(CommunityDecision)
        .where(CommunityDecision.notice_id == notice_id)
        .order_by(CommunityDecision.decided_on.desc(), CommunityDecision.id.desc())
    )
    return db.session.scalars(query).all()


def adopted_label(decision):
    for option in decision.options:
        if option["key"] == decision.adopted_option:
            return option["label"]
    return None
