"""flask seed-demo: the real unit tree, demo accounts and believable notices, idempotent."""

import hashlib
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from app.accounts.models import AdministrativeUnit, User
from app.accounts.services import authenticate
from app.clock import local_today
from app.consultations.models import (
    CommunityDecision,
    Consultation,
    ConsultationResult,
    Opinion,
    OpinionRevision,
    VerificationCode,
)
from app.extensions import db
from app.glossary import NOTICE_CATEGORIES
from app.notices import demo
from app.notices.demo.truetype import vietnamese_fonts
from app.notices.forms import NoticeForm
from app.notices.models import Attachment, Notice, NoticeVersion
from app.notices.services import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, snapshot, timeliness_warnings
from app.notices.storage import attachment_path
from app.phones import to_e164

# Rows that point at notices (seed-demo's consultations): deleted before the notices they belong to.
CONSULTATION_MODELS = (OpinionRevision, Opinion, VerificationCode, ConsultationResult, CommunityDecision, Consultation)


def seed(runner, count, *extra):
    """Seed `count` notices and no queue (tests/cli/test_seed_demo_queue.py covers the queue)."""
    result = runner.invoke(args=["seed-demo", "--notices", str(count), "--feedback", "0", *extra])
    assert result.exit_code == 0, result.output
    return result


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def seeded(runner):
    """A demo of 150 notices (small enough to be quick, large enough for every case)."""
    seed(runner, 150)
    return db.session.scalars(select(Notice).order_by(Notice.id)).all()


def test_seed_demo_loads_units_accounts_and_notices(runner):
    result = seed(runner, 120)
    assert AdministrativeUnit.by_code("24").name == "Tỉnh Bắc Ninh"
    assert AdministrativeUnit.by_code("07627").name == "Xã Đại Sơn"
    communes = db.session.scalar(
        select(func.count()).select_from(AdministrativeUnit).where(AdministrativeUnit.path.startswith("/24/"))
    )
    assert communes == 100  # the province and its 99 communes and wards
    assert count(Notice) == 120
    roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert roles == {username: role for username, _, role, _ in demo.DEMO_USERS}
    official = authenticate("canbo.daison", demo.DEMO_PASSWORD)
    assert official is not None and official.unit.code == "07627"
    assert authenticate("thanhtra.bacninh", demo.DEMO_PASSWORD).unit.code == "24"
    for username, _, role, unit_code in demo.DEMO_USERS:
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(username + " "))
        assert role in line and unit_code in line and demo.DEMO_PASSWORD in line


def test_seed_demo_twice_does_not_duplicate(runner):
    seed(runner, 80)
    before = [count(model) for model in (AdministrativeUnit, User, Notice, NoticeVersion, Attachment)]
    result = seed(runner, 80)
    after = [count(model) for model in (AdministrativeUnit, User, Notice, NoticeVersion, Attachment)]
    assert after == before
    assert "already present" in result.stdout
    assert "canbo.daison" in result.stdout  # the logins are printed every time


def test_seed_demo_tops_up_to_the_same_notices_as_one_run(runner):
    seed(runner, 90)
    one_run = db.session.execute(select(Notice.title, Notice.short_code, Notice.posting_start).order_by(Notice.id))
    one_run = one_run.all()
    for model in (*CONSULTATION_MODELS, NoticeVersion, Attachment, Notice):
        db.session.execute(delete(model))
    db.session.commit()

    seed(runner, 50)
    assert count(Notice) == 50
    result = seed(runner, 90)
    assert "Created 40 notices" in result.stdout
    topped_up = db.session.execute(select(Notice.title, Notice.short_code, Notice.posting_start).order_by(Notice.id))
    assert topped_up.all() == one_run


def test_seed_demo_with_another_seed_writes_other_notices(runner):
    seed(runner, 30, "--seed", "7")
    titles = set(db.session.scalars(select(Notice.title)))
    for model in (*CONSULTATION_MODELS, NoticeVersion, Attachment, Notice):
        db.session.execute(delete(model))
    db.session.commit()
    seed(runner, 30, "--seed", "8")
    assert set(db.session.scalars(select(Notice.title))) != titles


def test_seed_demo_fifty_notices(runner):
    seed(runner, 50)
    assert count(Notice) == 50
    assert set(db.session.scalars(select(Notice.category))) == set(NOTICE_CATEGORIES)


def test_seed_demo_covers_every_category_and_state(seeded):
    assert {notice.category for notice in seeded} == set(NOTICE_CATEGORIES)
    states = {notice.public_status for notice in seeded}
    assert {"published", "expired", "withdrawn", "draft"} <= states
    assert len({notice.unit_id for notice in seeded}) >= 20
    withdrawn = [notice for notice in seeded if notice.status == "withdrawn"]
    assert all(notice.withdrawal_reason and notice.withdrawn_at >= notice.published_at for notice in withdrawn)


def test_seed_demo_corrections_keep_every_version_with_a_reason(seeded):
    corrected = [notice for notice in seeded if len(notice.versions) > 1]
    assert len(corrected) >= 5
    assert any(len(notice.versions) == 3 for notice in corrected)
    for notice in corrected:
        first, *later = notice.versions
        assert first.reason == ""
        assert all(version.reason for version in later)
        assert [version.number for version in notice.versions] == list(range(1, len(notice.versions) + 1))
        assert first.snapshot != notice.versions[-1].snapshot
        moments = [version.created_at for version in notice.versions]
        assert moments == sorted(moments)


def test_seed_demo_latest_version_is_what_the_services_would_snapshot(seeded):
    published = [notice for notice in seeded if notice.status != "draft"]
    for notice in published:
        assert notice.versions[-1].snapshot == snapshot(notice)
        assert notice.versions[0].created_at == notice.published_at


def test_seed_demo_publication_state_is_consistent(seeded):
    codes = [notice.short_code for notice in seeded if notice.status != "draft"]
    assert len(codes) == len(set(codes))
    assert all(len(code) == SHORT_CODE_LENGTH and set(code) <= set(SHORT_CODE_ALPHABET) for code in codes)
    for notice in seeded:
        if notice.status == "draft":
            assert notice.short_code is None and notice.published_at is None and notice.versions == []
        else:
            assert notice.published_at is not None and notice.versions[0].number == 1


def test_seed_demo_phones_are_valid_e164(seeded):
    phones = {notice.contact_phone for notice in seeded}
    phones |= {version.snapshot["contact_phone"] for notice in seeded for version in notice.versions}
    assert len(phones) > 20
    for phone in phones:
        assert phone.startswith("+84") and to_e164(phone) == phone


def test_seed_demo_notices_pass_the_web_form_rules(app, seeded):
    with app.test_request_context(method="POST"):
        for notice in seeded:
            data = {
                "category": notice.category,
                "title": notice.title,
                "summary": notice.summary,
                "body_html": notice.body_html,
                "legal_reference": notice.legal_reference,
                "place": notice.place,
                "contact_name": notice.contact_name,
                "contact_position": notice.contact_position,
                "contact_phone": notice.contact_phone,
            }
            for name in ("issued_on", "posting_start", "posting_end", "opinion_end"):
                value = getattr(notice, name)
                if value is not None:
                    data[name] = value.isoformat()
            form = NoticeForm(formdata=MultiDict(data), meta={"csrf": False})
            assert form.validate(), (notice.id, form.errors)
            assert form.notice_fields()["body_html"] == notice.body_html  # already clean HTML
            for text in (notice.title, notice.summary, notice.body_html):
                assert unicodedata.is_normalized("NFC", text)


def test_seed_demo_dates_spread_with_late_and_short_postings(app, seeded):
    today = local_today()
    published = [notice for notice in seeded if notice.status != "draft"]
    oldest = min(notice.issued_on for notice in published)
    assert (today - oldest).days > 300
    assert all(notice.issued_on <= today and notice.issued_on >= date(2025, 7, 1) for notice in seeded)
    with app.test_request_context():
        warnings = [
            [str(message) for message in timeliness_warnings(n.posting_start, n.posting_end, n.issued_on)]
            for n in published
        ]
    late = [w for w in warnings if any("ngày làm việc" in message for message in w)]
    short = [w for w in warnings if any("ngắn hơn 30 ngày" in message for message in w)]
    assert late and short
    assert len(late) < len(published) / 2


def test_seed_demo_texts_vary(seeded):
    assert len({notice.title for notice in seeded}) > 0.9 * len(seeded)
    assert len({notice.summary for notice in seeded}) == len(seeded)
    assert all("Quyết định" in n.legal_reference or "số" in n.legal_reference for n in seeded)
    assert any(notice.opinion_end for notice in seeded)


def test_seed_demo_attaches_small_real_pdfs(seeded):
    attachments = db.session.scalars(select(Attachment)).all()
    assert 1 <= len(attachments) <= 10
    for attachment in attachments:
        data = attachment_path(attachment.stored_name).read_bytes()
        assert attachment.media_type == "application/pdf"
        assert hashlib.sha256(data).hexdigest() == attachment.sha256 and len(data) == attachment.size
        reader = PdfReader(attachment_path(attachment.stored_name))
        assert len(reader.pages) == 1 and reader.pages[0].extract_text().strip()
        notice = attachment.notice
        if notice.versions:
            assert notice.versions[0].snapshot["attachments"][0]["sha256"] == attachment.sha256


def test_seed_demo_pdfs_show_the_notice_in_vietnamese(seeded):
    """A demo PDF reads as the printed notice: its title and text with every diacritic, its title in the metadata."""
    if vietnamese_fonts() is None:
        pytest.skip("no TrueType font with Vietnamese letters here (fonts-noto-core or fonts-dejavu-core)")
    attachments = db.session.scalars(select(Attachment)).all()
    assert attachments
    for attachment in attachments:
        reader = PdfReader(attachment_path(attachment.stored_name), strict=True)
        text = " ".join(reader.pages[0].extract_text().split())
        notice = attachment.notice
        assert reader.metadata.title == notice.title
        assert "Độc lập – Tự do – Hạnh phúc" in text
        assert notice.title in text and notice.versions[0].snapshot["legal_reference"] in text
        assert "Căn cứ" in text and "thông báo:" in text


def test_seed_demo_keeps_existing_accounts(runner):
    seed(runner, 0)
    user = db.session.scalar(select(User).where(User.username == "quantri"))
    user.set_password("mat-khau-moi-rieng")
    db.session.commit()
    seed(runner, 0)
    assert authenticate("quantri", "mat-khau-moi-rieng") is not None


def test_seed_demo_is_refused_in_production(app, runner):
    app.config["ALLOWS_DEMO"] = False  # as ProductionConfig sets it
    result = runner.invoke(args=["seed-demo", "--notices", "1", "--feedback", "0"])
    assert result.exit_code != 0 and "refused in production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_production_config_forbids_the_demo():
    from config import ProductionConfig

    assert ProductionConfig.ALLOWS_DEMO is False
