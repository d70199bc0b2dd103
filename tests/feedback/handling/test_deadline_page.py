"""/deadlines and GET /api/v1/deadlines agree with the engine's own cases (tests/feedback/test_deadlines.py)."""

from datetime import date

import pytest

from app.extensions import db
from app.feedback.admin import set_override

# (kind, step, from, circumstance, due date, days that must be skipped with their reason, days that must not)
CASES = {
    "tet_2026": ("question", "resolve", "2026-02-13", "", "2026-03-06", {"2026-02-17": "Tết Nguyên Đán"}, []),
    "gio_to_and_30_4": (
        "petition",
        "acknowledge",
        "2026-04-24",
        "",
        "2026-05-04",
        {"2026-04-27": "Giỗ Tổ Hùng Vương", "2026-04-30": None, "2026-05-01": None},
        [],
    ),
    "national_day": (
        "information_request",
        "resolve",
        "2026-08-28",
        "",
        "2026-09-07",
        {"2026-08-31": None, "2026-09-01": None, "2026-09-02": None},
        [],
    ),
    "make_up_saturday": ("petition", "acknowledge", "2026-08-20", "", "2026-08-24", {}, ["2026-08-22"]),
    "sunday_roll_over": ("complaint", "acknowledge", "2026-11-05", "", "2026-11-16", {"2026-11-15": "Chủ nhật"}, []),
    "extension": ("denunciation", "acknowledge", "2026-10-01", "extended", "2026-10-15", {}, []),
    "complex_information": ("information_request", "resolve", "2026-10-01", "complex", "2026-10-22", {}, []),
}


def _check_skipped(skipped, expected, absent):
    for day, reason in expected.items():
        assert day in skipped, day
        if reason:
            assert reason in skipped[day]
    for day in absent:
        assert day not in skipped


@pytest.mark.parametrize("case", CASES)
def test_api_gives_the_engines_due_date_and_skipped_days(client, case):
    kind, step, start, circumstance, due, expected, absent = CASES[case]

    response = client.get(
        "/api/v1/deadlines", query_string={"kind": kind, "step": step, "from": start, "circumstance": circumstance}
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["kind"], body["step"], body["from"], body["due_date"]) == (kind, step, start, due)
    assert set(body["rule"]) == {"amount", "unit"}
    _check_skipped({entry["date"]: entry["reason"] for entry in body["skipped"]}, expected, absent)


@pytest.mark.parametrize("case", CASES)
def test_page_agrees_with_the_api(client, case):
    kind, step, start, circumstance, due, expected, absent = CASES[case]

    page = client.get(
        "/deadlines", query_string={"kind": kind, "step": step, "start": start, "circumstance": circumstance}
    ).get_data(as_text=True)

    shown = date.fromisoformat(due).strftime("%d/%m/%Y")
    assert f"Hết hạn vào 24 giờ ngày {shown}" in page
    for day, reason in expected.items():
        row = f"<td>{date.fromisoformat(day).strftime('%d/%m/%Y')}</td>"
        assert row in page
        if reason:
            assert reason in page[page.index(row) :].split("</tr>")[0]
    for day in absent:
        assert f"<td>{date.fromisoformat(day).strftime('%d/%m/%Y')}</td>" not in page


def test_page_explains_the_counting_rules_in_plain_vietnamese(client):
    page = client.get("/deadlines").get_data(as_text=True)

    assert "Không tính ngày xảy ra sự việc" in page
    assert "24 giờ của ngày cuối cùng" in page
    assert "chuyển sang hết ngày làm việc tiếp theo" in page
    assert "thứ Bảy làm bù" in page
    assert 'name="start"' in page and "Hết hạn vào" not in page


def test_an_override_shows_with_its_reason_on_the_page_and_in_the_api(client, app):
    set_override(date(2026, 3, 6), False, "Nghỉ bù theo thông báo của Chính phủ")
    db.session.commit()

    body = client.get("/api/v1/deadlines?kind=question&step=resolve&from=2026-02-13").get_json()
    page = client.get("/deadlines?kind=question&step=resolve&start=2026-02-13").get_data(as_text=True)

    assert body["due_date"] == "2026-03-09"
    assert {"date": "2026-03-06", "reason": "Nghỉ bù theo thông báo của Chính phủ"} in body["skipped"]
    assert "09/03/2026" in page and "Nghỉ bù theo thông báo của Chính phủ" in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=bogus&step=resolve&from=2026-02-13", "kind"),
        ("kind=question&step=later&from=2026-02-13", "step"),
        ("kind=question&step=resolve&from=13/02/2026", "from"),
        ("kind=question&step=resolve&from=2026-02-30", "from"),
        ("kind=question&step=resolve", "from"),
        ("step=resolve&from=2026-02-13", "kind"),
        ("kind=question&step=resolve&from=1066-10-14", "from"),
        ("kind=question&step=resolve&from=2026-02-13&circumstance=remote", "circumstance"),
    ],
)
def test_bad_parameters_get_400_with_errors(client, query, field):
    response = client.get(f"/api/v1/deadlines?{query}")

    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_a_step_the_kind_does_not_have_is_404_with_a_message(client):
    response = client.get("/api/v1/deadlines?kind=question&step=acknowledge&from=2026-02-13")

    assert response.status_code == 404
    assert "bước giải quyết" in response.get_json()["message"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=bogus&step=resolve&start=2026-02-13", "Hãy chọn một loại ý kiến"),
        ("kind=question&step=resolve&start=abc", "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026."),
        ("kind=question&step=acknowledge&start=2026-02-13", "không có bước tiếp nhận riêng"),
        ("kind=question&step=resolve&start=2026-02-13&circumstance=remote", "không áp dụng"),
    ],
)
def test_page_explains_bad_input(client, query, message):
    response = client.get(f"/deadlines?{query}")

    assert response.status_code == 200 and message in response.get_data(as_text=True)
