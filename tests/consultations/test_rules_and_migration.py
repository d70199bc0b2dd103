"""The rules (minimum period per category, the result's deadline, the adoption threshold) and migration 0009,
which gives every notice that already had an opinion-period end its consultation."""

import json
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.clock import local_today
from app.consultations import rules
from app.consultations.models import Consultation
from app.consultations.services import ConsultationError
from app.extensions import db
from app.feedback.admin import remove_override, set_override
from app.notices import services as notice_services
from app.notices.services import timeliness_warnings
from tests.consultations.conftest import open_consultation
from tests.factories import make_notice

POSTED_ON_9_JULY = (date(2026, 7, 9), date(2026, 8, 10), date(2026, 7, 3))  # posting start, end, issued on


def test_every_default_names_its_source_and_own_standards_say_so(app):
    assert rules.minimum_opinion_days("zoning") == 30
    assert rules.minimum_opinion_days("compensation_resettlement") == 30
    assert rules.minimum_opinion_days("budget") == 10
    assert rules.RULES["opinion_days:budget"].is_own_standard
    assert not rules.RULES["opinion_days:zoning"].is_own_standard
    assert "Luật Đất đai 2024" in str(rules.RULES["opinion_days:zoning"].source)
    assert rules.RULES[rules.RESULT_WORKING_DAYS].is_own_standard and rules.rule_value(rules.RESULT_WORKING_DAYS) == 10
    assert "10/2022/QH15" in str(rules.RULES[rules.ADOPTION_PERCENT].source)
    assert all(str(spec.source) for spec in rules.RULES.values())


def test_the_result_is_due_ten_working_days_after_the_last_day(app):
    # Friday 3 July 2026: ten working days on is Friday 17 July (weekends not counted).
    assert rules.result_due_date(date(2026, 7, 3)) == date(2026, 7, 17)


def test_the_administrators_holiday_overrides_move_the_result_deadline(app):
    # A day off declared for a storm (Monday 13 July 2026) is not counted: the result is due a day later.
    set_override(date(2026, 7, 13), False, "Nghỉ do bão")
    assert rules.result_due_date(date(2026, 7, 3)) == date(2026, 7, 20)
    # A Saturday declared worked counts: back to Friday 17 July (11 July worked, 13 July off).
    set_override(date(2026, 7, 11), True, "Làm bù")
    assert rules.result_due_date(date(2026, 7, 3)) == date(2026, 7, 17)
    remove_override(date(2026, 7, 13))
    remove_override(date(2026, 7, 11))
    assert rules.result_due_date(date(2026, 7, 3)) == date(2026, 7, 17)
    # The notices' posting delay counts the same days: issued Friday 3, posted Thursday 9 July is 4 working
    # days (late); with Monday 6 July off it is 3 (in time).
    assert any("ngày làm việc" in str(warning) for warning in timeliness_warnings(*POSTED_ON_9_JULY))
    set_override(date(2026, 7, 6), False, "Nghỉ bù")
    assert not any("ngày làm việc" in str(warning) for warning in timeliness_warnings(*POSTED_ON_9_JULY))


def test_a_consultation_shorter_than_the_minimum_is_refused(app, notice, official):
    with pytest.raises(ConsultationError) as refused:
        open_consultation(notice, official, ends_on=local_today() + timedelta(days=28))
    assert "ít nhất 30 ngày" in refused.value.message
    db.session.rollback()
    consultation = open_consultation(notice, official, ends_on=local_today() + timedelta(days=29))
    assert consultation.ends_on == local_today() + timedelta(days=29)


@pytest.mark.parametrize(
    ("rule", "below_the_law", "above_it"),
    [
        ("opinion_days:site_clearance", 29, 45),
        ("opinion_days:village_convention", 20, 30),
        ("adoption_percent", 49, 60),
    ],
)
def test_an_administrator_may_ask_more_than_the_law_never_less(app, admin, rule, below_the_law, above_it):
    with pytest.raises(rules.RuleError) as refused:
        rules.set_rule(rule, below_the_law, admin)
    assert f"từ {rules.RULES[rule].default} đến" in refused.value.args[0]
    rules.set_rule(rule, above_it, admin)
    assert rules.load_rules()[rule] == above_it


def test_a_stricter_commune_standard_refuses_a_period_the_law_allows(app, notice, official, admin):
    rules.set_rule("opinion_days:site_clearance", 45, admin)
    with pytest.raises(ConsultationError) as refused:
        open_consultation(notice, official, ends_on=local_today() + timedelta(days=29))
    assert "ít nhất 45 ngày" in refused.value.message


def test_the_end_of_the_period_is_the_notices_opinion_end(app, notice, official):
    consultation = open_consultation(notice, official)
    end = local_today() + timedelta(days=29)
    assert notice.opinion_end == end == consultation.ends_on
    # Published: the notice was corrected, with a public reason, never silently edited.
    assert notice.versions[-1].number == 2 and "hạn góp ý đến hết ngày" in notice.versions[-1].reason
    # Extending the consultation moves the notice's opinion_end, and the other way round.
    open_consultation(notice, official, ends_on=end + timedelta(days=5))
    assert notice.opinion_end == end + timedelta(days=5)
    notice_services.correct_notice(notice, {"opinion_end": end + timedelta(days=9)}, "Gia hạn góp ý", official)
    db.session.commit()
    assert consultation.ends_on == end + timedelta(days=9)


def test_a_notice_published_with_an_opinion_end_gets_a_consultation(app, units, official):
    notice = make_notice(units[1], official, opinion_end=local_today() + timedelta(days=29))
    consultation = db.session.scalar(select(Consultation).where(Consultation.notice_id == notice.id))
    assert consultation is not None
    assert consultation.choice_keys == ["agree", "disagree", "other"]
    assert consultation.ends_on == notice.opinion_end
    assert consultation.status() == "open"


def test_migration_0009_gives_existing_opinion_ends_a_consultation(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO administrative_units (id, code, name, kind, path)"
                    " VALUES (1, '07627', 'Xã Đại Sơn', 'commune', '/07627/')"
                )
            )
            for notice_id, opinion_end in ((1, "2026-03-20"), (2, None)):
                connection.execute(
                    text(
                        "INSERT INTO notices (id, unit_id, category, title, summary, body_html, legal_reference,"
                        " posting_start, posting_end, opinion_end, place, contact_name, contact_position,"
                        " contact_phone, status, created_at, updated_at, withdrawal_reason) VALUES (:id, 1, 'zoning',"
                        " 'Quy hoạch', 'Tóm tắt', '', '', '2026-03-01', '2026-04-01', :end, '', 'Cán bộ', '',"
                        " '+84912345678', 'published', '2026-03-01 00:00:00', '2026-03-01 00:00:00', '')"
                    ),
                    {"id": notice_id, "end": opinion_end},
                )
        upgrade(revision="0009")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT notice_id, starts_on, question, choices FROM consultations")).all()
            assert [(row[0], str(row[1])) for row in rows] == [(1, "2026-03-01")]
            assert json.loads(rows[0][3])[0] == {"key": "agree", "label": "Đồng ý"}
            assert rows[0][2].startswith("Ý kiến của ông/bà")
            # The end stays on the notice: one source of truth.
            assert connection.execute(text("SELECT opinion_end FROM notices WHERE id = 1")).scalar() == "2026-03-20"
        db.engine.dispose()
