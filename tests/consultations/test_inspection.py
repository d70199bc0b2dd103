"""Inspectors see, per commune and period: consultations held, their length, opinions per household, the share
of results published on time, comments left unmoderated; in the page, the exports and the annual report."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from app.clock import local_today, utcnow
from app.consultations.models import ConsultationResult
from app.consultations.results import publish_result
from app.extensions import db
from app.inspection.consultation_figures import consultation_report
from app.inspection.scope import AuditScope
from tests.consultations.conftest import end_consultation, give_opinion_api, open_consultation
from tests.factories import make_notice


def _setup(client, app, units, official):
    """Three consultations of commune A: two ended (one result on time, one overdue), one open."""
    today = local_today()
    on_time = open_consultation(make_notice(units[1], official, posting_start=today), official, households=200)
    for phone in ("0912000001", "0912000002", "0912000003", "0912000004"):
        give_opinion_api(client, app, on_time, phone, "+84" + phone[1:], "agree")
    overdue = open_consultation(make_notice(units[1], official, posting_start=today), official, households=None)
    give_opinion_api(client, app, overdue, "0912000005", "+84912000005", "disagree", comment="Chưa hợp lý.")
    still_open = open_consultation(make_notice(units[1], official, posting_start=today), official)
    give_opinion_api(client, app, still_open, "0912000006", "+84912000006", "agree", comment="Cần làm sớm.")
    end_consultation(on_time, days_ago=3)
    end_consultation(overdue, days_ago=40)
    publish_result(on_time, "Bốn hộ đồng ý.", [], "", official)
    db.session.commit()
    return on_time, overdue, still_open


def test_the_figures_of_a_commune(client, app, units, official):
    _setup(client, app, units, official)
    today = local_today()
    report = consultation_report(AuditScope(units[0], today - timedelta(days=365), today))
    figures = report.by_unit[units[1].id]
    assert (figures.held, figures.open_now) == (2, 1)
    assert figures.median_length == 31  # first and last day counted
    assert figures.opinions == 5
    assert figures.opinions_per_household == 0.02  # 4 opinions for the 200 households of the only one that gave them
    assert (figures.results_due, figures.results_on_time, figures.results_missing) == (2, 1, 1)
    assert figures.results_on_time_rate == 50.0
    assert figures.comments_pending == 2
    assert report.by_unit[units[2].id].held == 0  # every commune listed, zeros when silent
    assert report.total.held == 2


def test_a_late_result_counts_as_late(client, app, units, official):
    on_time, overdue, _open = _setup(client, app, units, official)
    publish_result(overdue, "Một hộ không đồng ý.", [], "", official)
    db.session.commit()
    today = local_today()
    figures = consultation_report(AuditScope(units[1], today - timedelta(days=365), today)).total
    assert (figures.results_on_time, figures.results_late, figures.results_missing) == (1, 1, 0)
    result = db.session.scalar(select(ConsultationResult).where(ConsultationResult.consultation_id == overdue.id))
    assert result.published_at <= utcnow()


def test_the_page_the_exports_and_the_annual_report(client, app, auth, units, official, inspector):
    _setup(client, app, units, official)
    auth.login(inspector.username)
    page = client.get("/audit/consultations")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Công bố đúng hạn (%)" in text and units[1].name in text
    csv = client.get("/audit/export/consultations.csv").get_data(as_text=True)
    assert "Quá hạn chưa công bố" in csv and units[1].code in csv
    xlsx = client.get("/audit/export/consultations.xlsx")
    assert xlsx.status_code == 200
    year = local_today().year
    annual = client.get(f"/audit/reports/annual.xlsx?year={year}&unit={units[0].code}")
    workbook = load_workbook(io.BytesIO(annual.data))
    assert "Lấy ý kiến Nhân dân" in workbook.sheetnames
    assert client.get("/audit/consultations?from=31/02/2026").status_code == 400
    auth.logout()
    auth.login(official.username)
    assert client.get("/audit/consultations").status_code == 403
