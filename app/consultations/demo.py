"""Demo consultations for `flask seed-demo`, in the featured commune (Đại Sơn), by its demo official.

A default consultation for every demo notice that has an opinion-period end (as migration 0009 gives them);
then, on the commune's own demo notices: one open for some days with its first opinions, the most recently
ended one with its opinions moderated and its result published, and one decided at a village meeting with
its minutes. Consultations, moderation, the result and the decision go through the services (audit entries,
the notice's correction, the result's hash in the chain); the citizens' opinions are written as rows, as the
other demos write their made-up history (no codes, no SMS). The texts are data (data/demo.toml).
Idempotent: a part already made is left as it is; a small demo without a fitting notice skips that part.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import AdministrativeUnit
from app.accounts.services import find_user
from app.clock import LOCAL_TZ, local_today, utcnow
from app.consultations import identity, moderation
from app.consultations.choices import AGREE_DISAGREE
from app.consultations.decisions import record_decision
from app.consultations.models import (
    UNKNOWN_VILLAGE,
    CommunityDecision,
    Consultation,
    ConsultationResult,
    Opinion,
    OpinionRevision,
)
from app.consultations.results import publish_result
from app.consultations.rules import minimum_opinion_days
from app.consultations.services import backfill_default_consultations, consultation_of, save_consultation
from app.consultations.tallies import live_tallies
from app.extensions import db
from app.notices.demo.datafiles import load_data
from app.notices.demo.pdf import tiny_pdf
from app.notices.demo.places import build_commune, mobile_number, person
from app.notices.models import Notice
from app.notices.storage import store_upload

DEMO = load_data(__package__, "demo.toml")
DEMO_COMMUNE = "07627"
DEMO_OFFICIAL = "canbo.daison"
DEFAULT_SEED = 2026
VILLAGE_SHARE = 0.85  # opinions that name their village
COMMENT_SHARE = 0.35


@dataclass
class DemoResult:
    defaults: int = 0
    created: list = field(default_factory=list)  # the keys of the demo consultations created now

    def summary(self):
        made = ", ".join(self.created) if self.created else "already present"
        return f"Consultations: {self.defaults} default ones for notices with an opinion end; demo: {made}"


def _capitalised(name):
    return name[:1].upper() + name[1:]


def _villages(commune):
    return [_capitalised(village) for village in commune.villages]


def _group(category):
    return DEMO["groups"].get(category, "default")


def _values(villages):
    return {"village": villages[0], "other_village": villages[1]}


def _commune_notices(unit, *conditions):
    query = (
        select(Notice).where(Notice.unit_id == unit.id, Notice.status == "published", *conditions).order_by(Notice.id)
    )
    return db.session.scalars(query).all()


def _has_opinions(consultation):
    return db.session.scalar(select(Opinion.id).where(Opinion.consultation_id == consultation.id).limit(1)) is not None


def _moment(rng, first_day, last_day):
    day = first_day + timedelta(days=rng.randint(0, max(0, (last_day - first_day).days)))
    moment = datetime.combine(day, time(rng.randint(6, 21), rng.randint(0, 59)), LOCAL_TZ)
    return min(moment, utcnow() - timedelta(minutes=rng.randint(5, 120)))


def _opinions(consultation, spec, villages, weights, rng):
    """Write the made-up opinions (one per phone), some with a comment; return those with a comment."""
    values = _values(villages)
    keys = consultation.choice_keys
    comments = [comment.format(**values) for comment in DEMO["comments"][_group(consultation.notice.category)]]
    last_day = min(local_today(), consultation.ends_on)
    commented, phones = [], set()
    for number in range(spec["opinions"]):
        e164 = mobile_number(rng)
        while e164 in phones:
            e164 = mobile_number(rng)
        phones.add(e164)
        name = person(rng)[0]
        village = rng.choice(villages) if rng.random() < VILLAGE_SHARE else UNKNOWN_VILLAGE
        comment = (
            comments[len(commented)]
            if len(commented) < len(comments)
            and (rng.random() < COMMENT_SHARE or spec["opinions"] - number <= len(comments) - len(commented))
            else ""
        )
        moment = _moment(rng, consultation.starts_on, last_day)
        opinion = Opinion(
            consultation_id=consultation.id,
            phone_hash=identity.phone_hash(e164),
            phone_sealed=identity.seal_text(e164),
            name_sealed=identity.seal_text(name),
            village=village,
            choice=rng.choices(keys, weights)[0],
            comment=comment,
            comment_status="pending" if comment else "none",
            revisions=1,
            created_at=moment,
            updated_at=moment,
        )
        db.session.add(opinion)
        db.session.flush()
        db.session.add(
            OpinionRevision(
                opinion_id=opinion.id,
                choice=opinion.choice,
                village=village,
                comment=comment,
                name_sealed=opinion.name_sealed,
                created_at=moment,
            )
        )
        if comment:
            commented.append(opinion)
    db.session.flush()
    return commented


def _moderate(commented, spec, official):
    """Hide the comment the spec names, approve the first others (from their redacted drafts)."""
    for opinion in commented:
        if spec.get("hide_when") and spec["hide_when"] in opinion.comment:
            moderation.hide_comment(opinion, spec["hide_reason"], official)
    approved = 0
    for opinion in commented:
        if approved >= spec.get("approve", 0) or opinion.comment_status != "pending":
            continue
        moderation.approve_comment(opinion, moderation.public_draft(opinion).text, official)
        approved += 1


def _open(unit, villages, official, rng):
    """A current notice of the commune, open for opinions for some days already, with its first opinions."""
    spec, today = DEMO["open"], local_today()
    current = _commune_notices(unit, Notice.posting_start <= today, Notice.posting_end >= today)
    current.sort(key=lambda notice: (_group(notice.category) == "default", notice.opinion_end is None, notice.id))
    for notice in current:
        consultation = consultation_of(notice.id)
        if consultation is not None and (consultation.status() != "open" or _has_opinions(consultation)):
            continue
        starts_on = (
            consultation.starts_on
            if consultation
            else max(notice.posting_start, today - timedelta(days=spec["starts_days_ago"]))
        )
        minimum = starts_on + timedelta(days=minimum_opinion_days(notice.category) - 1)
        ends_on = max(filter(None, (notice.opinion_end, minimum, today + timedelta(days=10))))
        fields = {
            "question": DEMO["questions"][_group(notice.category)],
            "choice_set": AGREE_DISAGREE,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "villages": villages,
            "is_limited_to_villages": False,
            "households": spec["households"],
        }
        consultation, _created = save_consultation(notice, fields, official)
        _moderate(_opinions(consultation, spec, villages, (62, 24, 14), rng), spec, official)
        return True
    return False


def _closed(unit, villages, official, rng):
    """The most recently ended consultation of the commune: its opinions, moderation and published result."""
    spec, today = DEMO["closed"], local_today()
    ended = _commune_notices(unit, Notice.opinion_end < today)
    ended.sort(key=lambda notice: notice.opinion_end, reverse=True)
    for notice in ended:
        consultation = consultation_of(notice.id)
        if consultation is None or consultation.results or _has_opinions(consultation):
            continue
        # Reworded as the commune would have put it when it opened (no opinion had come in: still allowed).
        consultation.question = DEMO["questions"][_group(notice.category)]
        consultation.villages, consultation.households = villages, spec["households"]
        db.session.flush()
        _moderate(_opinions(consultation, spec, villages, (55, 33, 12), rng), spec, official)
        tallies = live_tallies(consultation)
        summary = spec["result_summary"].format(
            total=tallies.total,
            agree=tallies.count("agree"),
            disagree=tallies.count("disagree"),
            other=tallies.count("other"),
        )
        values = _values(villages)
        answers = [
            {"opinions": group[0].format(**values), "answer": group[1].format(**values)}
            for group in DEMO["answers"][_group(notice.category)]
        ]
        publish_result(consultation, summary, answers, "", official)
        return True
    return False


def _decided(unit, villages, official):
    """A village meeting's decision on a notice of the commune, with its minutes."""
    spec = DEMO["decided"]
    notices = _commune_notices(unit)
    notices.sort(key=lambda notice: (notice.category not in spec["categories"], notice.id))
    if not notices:
        return False
    values = {"village": villages[0]}
    minutes = tiny_pdf(
        spec["minutes_title"].format(**values),
        [line.format(**values) for line in spec["minutes_lines"]],
        villages[0].upper(),
    )
    name = "bien-ban-hop-thon.pdf"
    fields = {
        "village": villages[0],
        "matter": spec["matter"],
        "decided_on": local_today() - timedelta(days=spec["decided_days_ago"]),
        "method": "meeting",
        "households_total": spec["households_total"],
        "households_participating": spec["households_participating"],
        "votes": list(spec["votes"]),
    }
    record_decision(notices[0], fields, store_upload(minutes, name), name, official)
    return True


def seed_demo_consultations(seed=DEFAULT_SEED):
    """Seed the demo consultations (and default ones for every notice with an opinion end); commit."""
    result = DemoResult(defaults=backfill_default_consultations())
    db.session.commit()
    unit = AdministrativeUnit.by_code(DEMO_COMMUNE)
    official = find_user(DEMO_OFFICIAL)
    if unit is None or official is None:
        return result
    villages = _villages(build_commune(unit, random.Random(f"{seed}:commune:{unit.code}")))
    rng = random.Random(f"{seed}:consultations")
    steps = (
        ("open", lambda: _open(unit, villages, official, rng), Opinion, Consultation),
        ("closed", lambda: _closed(unit, villages, official, rng), ConsultationResult, Consultation),
        ("decided", lambda: _decided(unit, villages, official), CommunityDecision, None),
    )
    for key, make, model, through in steps:
        if _already(unit, key, model, through):
            continue
        if make():
            result.created.append(key)
        db.session.commit()
    return result


def _already(unit, key, model, through):
    """Whether an earlier run made this part of the demo (a decision, a result, opinions on an open one)."""
    notices = select(Notice.id).where(Notice.unit_id == unit.id)
    if model is CommunityDecision:
        query = select(CommunityDecision.id).where(CommunityDecision.notice_id.in_(notices))
    else:
        query = (
            select(model.id)
            .join(Consultation, Consultation.id == model.consultation_id)
            .where(Consultation.notice_id.in_(notices))
        )
        if key == "open":
            query = query.join(Notice, Notice.id == Consultation.notice_id).where(Notice.opinion_end >= local_today())
    return db.session.scalar(query.limit(1)) is not None
