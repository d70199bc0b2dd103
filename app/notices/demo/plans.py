"""Plan one demo notice as plain rows: its dates, status, versions and short code.

No database access here: the seeder inserts the rows in bulk. Every notice draws from its
own generator seeded with (seed, index), so topping up to N gives the same notices as
seeding N at once.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

from app.accounts.units import REORGANISATION_DAY
from app.clock import LOCAL_TZ
from app.glossary import NOTICE_CATEGORIES
from app.notices.demo.texts import ADDENDA, OPINION_CATEGORIES, WITHDRAWAL_REASONS, write_notice
from app.notices.services import EDITABLE_FIELDS, SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, snapshot
from app.workdays import add_working_days, is_working_day

HISTORY_DAYS = 548  # about 18 months
CATEGORY_WEIGHTS = {
    "land_recovery": 10,
    "site_clearance": 8,
    "compensation_resettlement": 8,
    "investment_project": 7,
    "budget": 10,
    "zoning": 6,
    "socio_economic_plan": 6,
    "public_land": 5,
    "social_support": 9,
    "contributions": 6,
    "inspection": 4,
    "village_convention": 5,
    "personnel": 6,
    "other": 10,
}
CATEGORY_IDS = tuple(NOTICE_CATEGORIES)
DRAFT_SHARE = 0.03
WITHDRAWN_SHARE = 0.05
CORRECTED_SHARE = 0.10
# Notices (by index) corrected once and twice whatever the draw, so that even a small demo shows both.
SHOWCASE_CORRECTIONS = {len(CATEGORY_IDS): 2, len(CATEGORY_IDS) + 1: 1}
LATE_SHARE = 0.12
SHORT_PERIOD_SHARE = 0.08
RECENT_SHARE = 0.22  # issued in the last 40 days: the notices currently on the boards


@dataclass
class NoticePlan:
    index: int
    commune: object
    row: dict
    versions: list = field(default_factory=list)


def notice_rng(seed, index):
    """Return the random generator of one demo notice."""
    return random.Random(f"{seed}:notice:{index}")


def new_short_code(rng, used):
    """Draw a short code not in `used` (and remember it)."""
    while True:
        code = "".join(rng.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if code not in used:
            used.add(code)
            return code


def _previous_working_day(day):
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _local_moment(rng, day, now):
    """A moment during office hours of `day`, never in the future."""
    minutes = rng.randint(0, 9 * 60)
    moment = datetime.combine(day, time(7, 30), tzinfo=LOCAL_TZ) + timedelta(minutes=minutes)
    moment = moment.astimezone(UTC)
    if moment > now:
        moment = now - timedelta(minutes=rng.randint(5, 240))
    return moment


def plan_dates(rng, category, status, today):
    """Return issued_on, posting_start, posting_end and opinion_end of a notice."""
    floor = max(today - timedelta(days=HISTORY_DAYS), REORGANISATION_DAY)
    if status == "draft":
        issued_on = today - timedelta(days=rng.randint(0, 6))
    elif rng.random() < RECENT_SHARE:
        issued_on = today - timedelta(days=rng.randint(0, 40))
    else:
        issued_on = floor + timedelta(days=rng.randint(0, (today - floor).days))
    issued_on = _previous_working_day(issued_on)
    if rng.random() < LATE_SHARE:
        delay = rng.randint(4, 15)
    else:
        delay = rng.choice((0, 1, 1, 2, 2, 3))
    posting_start = add_working_days(issued_on, delay) if delay else issued_on
    if status == "draft":
        posting_start = max(posting_start, today + timedelta(days=rng.randint(0, 5)))
    if rng.random() < SHORT_PERIOD_SHARE:
        length = rng.randint(7, 25)
    else:
        length = rng.choice((30, 30, 30, 30, 35, 45, 60))
    posting_end = posting_start + timedelta(days=length)
    opinion_end = None
    if category in OPINION_CATEGORIES and rng.random() < 0.6:
        opinion_end = posting_start + timedelta(days=rng.randint(min(10, length), min(25, length)))
    return {
        "issued_on": issued_on,
        "posting_start": posting_start,
        "posting_end": posting_end,
        "opinion_end": opinion_end,
    }


def _snapshot(fields, commune, attachments=()):
    notice = SimpleNamespace(**fields, unit=SimpleNamespace(code=commune.code), attachments=list(attachments))
    return snapshot(notice)


# Corrections: each changes the current fields and returns the public reason.
def _correct_contact(rng, fields, commune, text):
    old_name = fields["contact_name"]
    old = next((item for item in commune.officers.values() if item.name == old_name), None)
    officer = rng.choice(commune.spare_officers)
    fields.update(contact_name=officer.name, contact_position=officer.position, contact_phone=officer.phone)
    old_honorific = old.honorific if old else "ông/bà"
    return (
        f"Thay đổi cán bộ trả lời thắc mắc: {officer.honorific} {officer.name} thay {old_honorific} {old_name} "
        "do phân công lại nhiệm vụ."
    )


def _correct_period(rng, fields, commune, text):
    old_end = fields["posting_end"]
    fields["posting_end"] = old_end + timedelta(days=15)
    fields["body_html"] = fields["body_html"].replace(f"{old_end:%d/%m/%Y}", f"{fields['posting_end']:%d/%m/%Y}")
    return (
        f"Gia hạn thời gian niêm yết thêm 15 ngày, đến hết ngày {fields['posting_end']:%d/%m/%Y}, "
        f"theo đề nghị của nhân dân {text['other_village']}."
    )


def _correct_place(rng, fields, commune, text):
    addition = f"nhà văn hóa {text['other_village']}"
    fields["place"] = f"{fields['place']}, {addition}" if addition not in fields["place"] else fields["place"] + "."
    fields["place"] = fields["place"][:200]
    return f"Bổ sung địa điểm niêm yết tại {addition}."


def _correct_reference(rng, fields, commune, text):
    old = fields["legal_reference"]
    head, _, tail = old.partition(" số ")
    number, _, rest = tail.partition("/")
    new_number = str(int(number) + rng.randint(1, 9)) if number.isdigit() else number + "a"
    fields["legal_reference"] = f"{head} số {new_number}/{rest}"
    fields["body_html"] = fields["body_html"].replace(old, fields["legal_reference"])
    return f"Đính chính số hiệu văn bản: ghi nhầm là {old}, nay sửa lại là {fields['legal_reference']}."


def _correct_addendum(rng, fields, commune, text):
    addition = rng.choice(ADDENDA)
    fields["body_html"] += f"\n<p><strong>Bổ sung:</strong> {addition}</p>"
    return addition


CORRECTIONS = (_correct_contact, _correct_period, _correct_place, _correct_reference, _correct_addendum)


def _correction_count(rng, index):
    """How many corrections notice `index` gets once published (none, for most)."""
    if index in SHOWCASE_CORRECTIONS:
        return SHOWCASE_CORRECTIONS[index]
    if rng.random() < CORRECTED_SHARE:
        return 1 if rng.random() < 0.7 else 2
    return 0


def _withdrawal_reason(rng, fields, text):
    template = rng.choice(WITHDRAWAL_REASONS)
    document, _, symbol = fields["legal_reference"].partition(" số ")
    return template.format(
        document=document,
        symbol=symbol.partition("/")[2].split(" ")[0] or "QĐ-UBND",
        other_number=rng.randint(100, 2500),
        other_village=text["other_village"],
    )


def plan_notice(index, seed, communes, weights, today, now, used_codes, authors):
    """Plan notice number `index`: its row and its version rows (without notice_id)."""
    rng = notice_rng(seed, index)
    commune = rng.choices(communes, weights)[0]
    if index < len(CATEGORY_IDS):
        category = CATEGORY_IDS[index]  # every category is present even in a small demo
    else:
        category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
    roll = rng.random()
    status = "draft" if roll < DRAFT_SHARE else "withdrawn" if roll < DRAFT_SHARE + WITHDRAWN_SHARE else "published"
    if index in SHOWCASE_CORRECTIONS:
        status = "published"
    dates = plan_dates(rng, category, status, today)
    officer = commune.officer_for(category, rng)
    text = write_notice(rng, commune, category, dates, officer)
    dates["opinion_end"] = text["opinion_end"]
    fields = {
        "category": category,
        "title": text["title"],
        "summary": text["summary"],
        "body_html": text["body_html"],
        "legal_reference": text["legal_reference"],
        **dates,
        "place": text["place"],
        "contact_name": officer.name,
        "contact_position": officer.position,
        "contact_phone": officer.phone,
    }
    author_id = authors.get(commune.code)
    row = {
        "unit_id": commune.unit_id,
        "status": status,
        "created_by_id": author_id,
        "withdrawal_reason": "",
        "withdrawn_at": None,
        "published_at": None,
        "short_code": None,
    }
    plan = NoticePlan(index=index, commune=commune, row=row)
    if status == "draft":
        row["created_at"] = row["updated_at"] = now - timedelta(minutes=rng.randint(30, 6 * 24 * 60))
        row.update(fields)
        return plan

    publish_day = min(dates["posting_start"], today)
    published_at = _local_moment(rng, publish_day, now)
    row["published_at"] = published_at
    row["created_at"] = published_at - timedelta(minutes=rng.randint(20, 3 * 24 * 60))
    row["short_code"] = new_short_code(rng, used_codes)
    window_end = min(now, datetime.combine(dates["posting_end"], time(17), tzinfo=LOCAL_TZ).astimezone(UTC))
    if status == "withdrawn":
        days = max(1, (min(dates["posting_end"], today) - publish_day).days)
        row["withdrawn_at"] = min(now, published_at + timedelta(days=rng.randint(1, days), hours=rng.randint(0, 6)))
        row["withdrawal_reason"] = _withdrawal_reason(rng, fields, text)
        window_end = row["withdrawn_at"]
    window_end = max(window_end, published_at + timedelta(minutes=30))

    moments = [published_at]
    reasons = [""]
    states = [dict(fields)]
    count = _correction_count(rng, index)
    if count:
        span = (window_end - published_at).total_seconds()
        offsets = sorted(rng.uniform(0.1, 0.9) * span for _ in range(count))
        for correction, offset in zip(rng.sample(CORRECTIONS, count), offsets, strict=True):
            reasons.append(correction(rng, fields, commune, text))
            states.append(dict(fields))
            moments.append(published_at + timedelta(seconds=offset))
    row.update(fields)
    row["updated_at"] = row["withdrawn_at"] or moments[-1]
    for number, (state, moment, reason) in enumerate(zip(states, moments, reasons, strict=True), 1):
        plan.versions.append(
            {
                "number": number,
                "snapshot": _snapshot(state, commune),
                "reason": reason,
                "created_by_id": author_id,
                "created_at": moment,
            }
        )
    return plan


__all__ = ["EDITABLE_FIELDS", "NoticePlan", "plan_notice"]
