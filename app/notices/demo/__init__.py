"""Demo data: the real Bắc Ninh unit tree, demo accounts and realistic notices.

Notices are planned as plain rows (see plans.py) and inserted in bulk, a batch per
transaction, so that 100,000 of them take minutes, not hours. Demo data writes no audit
entries except for the accounts, which go through the ordinary account service.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text

from app.accounts.models import AdministrativeUnit
from app.accounts.services import create_user, find_user
from app.accounts.units import load_province
from app.clock import local_today, utcnow
from app.extensions import db
from app.notices.demo.pdf import html_paragraphs, tiny_pdf
from app.notices.demo.places import build_commune
from app.notices.demo.plans import plan_notice
from app.notices.models import Attachment, Notice, NoticeVersion
from app.notices.storage import discard, store_upload

DEMO_PROVINCE = "24"
DEMO_PASSWORD = "congkhai-demo"  # noqa: S105  (a published demo password, printed on purpose)
# (username, display name, role, unit code)
DEMO_USERS = (
    ("canbo.daison", "Nguyễn Văn Hùng", "official", "07627"),
    ("lanhdao.daison", "Trần Thị Thu Hà", "leader", "07627"),
    ("canbo.kinhbac", "Lê Minh Tuấn", "official", "09187"),
    ("thanhtra.bacninh", "Phạm Quang Vinh", "inspector", "24"),
    ("quantri", "Hoàng Đức Anh", "admin", "24"),
)
FEATURED_COMMUNES = ("07627", "09187")  # the communes of the demo officials: more notices
FEATURED_WEIGHT = 4
COMMUNE_COUNT = 30
DEFAULT_NOTICE_COUNT = 300
DEFAULT_SEED = 2026
BATCH_SIZE = 5000
# Notices (by index) that carry a small PDF, when the demo is at least that large.
ATTACHMENT_INDICES = (0, 3, 11, 27, 64, 150)


@dataclass
class SeedResult:
    units: int = 0
    users_created: list = field(default_factory=list)
    notices_before: int = 0
    notices_created: int = 0
    statuses: Counter = field(default_factory=Counter)
    corrected: int = 0
    attachments: int = 0
    seconds: float = 0.0


def ensure_demo_users():
    """Create the demo accounts that do not exist yet; return the usernames created."""
    created = []
    for username, display_name, role, unit_code in DEMO_USERS:
        if find_user(username) is not None:
            continue
        unit = AdministrativeUnit.by_code(unit_code)
        # A demo address (example.vn never receives mail), so the demo's outbox shows officials' mail too.
        create_user(username, DEMO_PASSWORD, role, unit, display_name=display_name, email=f"{username}@example.vn")
        created.append(username)
    return created


def demo_communes(seed):
    """Return the demo communes (the featured ones, then a seeded sample) with their weights."""
    province = AdministrativeUnit.by_code(DEMO_PROVINCE)
    units = db.session.scalars(
        select(AdministrativeUnit)
        .where(AdministrativeUnit.parent_id == province.id, AdministrativeUnit.valid_to.is_(None))
        .order_by(AdministrativeUnit.code)
    ).all()
    featured = [unit for unit in units if unit.code in FEATURED_COMMUNES]
    others = [unit for unit in units if unit.code not in FEATURED_COMMUNES]
    sample = random.Random(f"{seed}:communes").sample(others, min(len(others), COMMUNE_COUNT - len(featured)))
    communes = [build_commune(unit, random.Random(f"{seed}:commune:{unit.code}")) for unit in featured + sample]
    weights = [FEATURED_WEIGHT if commune.code in FEATURED_COMMUNES else 1 for commune in communes]
    return communes, weights


def _demo_authors():
    authors = {}
    for username, _, role, unit_code in DEMO_USERS:
        if role == "official":
            user = find_user(username)
            if user is not None:
                authors[unit_code] = user.id
    return authors


def _attach_pdf(plan, notice_id, stored_names):
    row = plan.row
    # The notice as printed: its document number, then its text.
    data = tiny_pdf(
        row["title"], [row["legal_reference"], *html_paragraphs(row["body_html"])], plan.commune.people_committee_full
    )
    name = f"thong-bao-{row['short_code'] or notice_id}.pdf"
    stored = store_upload(data, name)
    stored_names.append(stored.stored_name)
    attachment = Attachment(
        notice_id=notice_id,
        original_name=name,
        stored_name=stored.stored_name,
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        created_by_id=row["created_by_id"],
        created_at=row["created_at"],
    )
    db.session.add(attachment)
    db.session.flush()
    # Attached while a draft, so every published version shows it.
    for version in plan.versions:
        version["snapshot"]["attachments"] = [{"id": attachment.id, "name": name, "sha256": stored.sha256}]


def _allocate_notice_ids(count):
    """Reserve `count` consecutive notice ids for this transaction.

    Explicit ids let the rows go in with one executemany (RETURNING with ordered rows
    makes SQLAlchemy insert SQLite rows one at a time). On PostgreSQL the table is locked
    until commit and the id sequence is moved past the new rows.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE notices IN EXCLUSIVE MODE"))
    first = (db.session.scalar(select(func.max(Notice.id))) or 0) + 1
    return list(range(first, first + count))


def _advance_notice_sequence():
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('notices', 'id'), (SELECT max(id) FROM notices))")
        )


def _insert_batch(plans, result):
    stored_names = []
    try:
        notice_ids = _allocate_notice_ids(len(plans))
        rows = [{**plan.row, "id": notice_id} for plan, notice_id in zip(plans, notice_ids, strict=True)]
        db.session.execute(insert(Notice.__table__), rows)
        _advance_notice_sequence()
        version_rows = []
        for plan, notice_id in zip(plans, notice_ids, strict=True):
            if plan.index in ATTACHMENT_INDICES:
                _attach_pdf(plan, notice_id, stored_names)
                result.attachments += 1
            for version in plan.versions:
                version_rows.append({**version, "notice_id": notice_id})
            result.statuses[plan.row["status"]] += 1
            result.corrected += len(plan.versions) > 1
        if version_rows:
            db.session.execute(insert(NoticeVersion.__table__), version_rows)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for stored_name in stored_names:
            discard(stored_name)
        raise


def seed_demo(notice_count=DEFAULT_NOTICE_COUNT, seed=DEFAULT_SEED, progress=None):
    """Load units and demo accounts, then top the notices up to `notice_count`; commit per batch."""
    started = time.perf_counter()
    result = SeedResult()
    result.units = load_province(DEMO_PROVINCE)
    result.users_created = ensure_demo_users()
    db.session.commit()

    result.notices_before = db.session.scalar(select(func.count()).select_from(Notice))
    if result.notices_before >= notice_count:
        result.seconds = time.perf_counter() - started
        return result

    communes, weights = demo_communes(seed)
    authors = _demo_authors()
    used_codes = set(db.session.scalars(select(Notice.short_code).where(Notice.short_code.is_not(None))))
    today, now = local_today(), utcnow()
    for batch_start in range(result.notices_before, notice_count, BATCH_SIZE):
        batch_end = min(batch_start + BATCH_SIZE, notice_count)
        plans = [
            plan_notice(index, seed, communes, weights, today, now, used_codes, authors)
            for index in range(batch_start, batch_end)
        ]
        _insert_batch(plans, result)
        result.notices_created += len(plans)
        if progress is not None:
            progress(batch_end - result.notices_before, notice_count - result.notices_before)
    result.seconds = time.perf_counter() - started
    return result
