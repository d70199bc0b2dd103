"""The same citizen's items read through every public surface (the pages, /api/v1, Open311, the feeds, the
sitemap, the open-data export) never show their name, phone, e-mail, address, own words or tracking code, and a
denunciation never shows its text — whether it came in by the web form or by Open311."""

import pytest

from app.extensions import db
from app.open311.keys import create_key
from app.open311.queries import reference
from app.opendata import sitemaps
from tests.factories import make_notice
from tests.opendata.conftest import answer, submit

CITIZEN = {
    "name": "Lê Thị Hồng Nhung",
    "phone": "0987 654 321",
    "email": "hongnhung.le@example.vn",
    "address": "Số 42 ngõ Trúc Lâm, thôn Đồng Kỵ",
    "consent": "y",
}
PHONE_FORMS = ("0987 654 321", "0987654321", "+84987654321", "84987654321", "987654321")
QUESTION = "Tôi là Lê Thị Hồng Nhung, nhà tôi có được bồi thường khi mở rộng đường không? Gọi tôi số 0987654321."
EDITED = "Các hộ có được bồi thường khi mở rộng đường không?"
DENUNCIATION = "Tố cáo cán bộ địa chính Phạm Quốc Toản nhận tiền của hộ dân để ghi sai diện tích đền bù."


@pytest.fixture
def surfaces(runner, client, units, official, tmp_path, monkeypatch):
    """Everything the open-data surfaces serve once a question was answered in public and a denunciation came in."""
    notice = make_notice(units[1], official, title="Bồi thường khi mở rộng đường liên thôn")
    question = submit(client, kind="question", unit=units[1].code, notice=str(notice.id), text=QUESTION, **CITIZEN)
    denunciation = submit(client, kind="denunciation", unit=units[1].code, text=DENUNCIATION, **CITIZEN)
    answer(client, official, question, "<p>Có, theo Quyết định số 987/QĐ-BT.</p>", public_question=EDITED)
    assert question.submitter_email == CITIZEN["email"] and denunciation.kind == "denunciation"
    # The same citizen, the same words, by Open311 (a service portal passing them on): a petition and a denunciation.
    _, key = create_key("cong-dich-vu-cong")
    db.session.commit()
    by_open311 = {}
    for kind, text in (("petition", QUESTION), ("denunciation", DENUNCIATION)):
        response = client.post(
            "/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": kind,
                "attribute[unit]": units[1].code,
                "description": text,
                "first_name": "Hồng Nhung",
                "last_name": "Lê Thị",
                "phone": CITIZEN["phone"],
                "email": CITIZEN["email"],
                "attribute[address]": CITIZEN["address"],
                "attribute[id_number]": "001190012345",
                "attribute[consent]": "true",
            },
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        by_open311[kind] = response.get_json()[0]
    references = [reference(question.id), reference(denunciation.id)]
    references += [by_open311[kind]["service_request_id"] for kind in ("petition", "denunciation")]

    texts = {}
    for url in (
        "/",
        "/notices",
        f"/notices/{notice.id}",
        f"/n/{notice.short_code}",
        "/units/07627",
        "/search?q=bồi+thường",
        "/search?q=Hong+Nhung",
        "/deadlines",
        "/api/v1/notices",
        f"/api/v1/notices/{notice.id}",
        "/api/v1/units",
        "/api/v1/stats?unit=07627",
        "/api/v1/search?q=bồi+thường",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests.json?service_request_id={','.join(references)}",
        *(f"/open311/v2/requests/{ref}.{fmt}" for ref in references[::2] for fmt in ("json", "xml")),
        "/feeds/notices.atom",
        "/feeds/answers.atom",
        "/feeds/units/24.atom",
        "/feeds/units/07627.atom",
        "/feeds/categories/site_clearance.atom",
        "/sitemap.xml",
        "/sitemaps/units.xml",
        "/sitemaps/notices-1.xml",
        "/robots.txt",
    ):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        texts[url] = response.get_data(as_text=True)
    for ref in references[1::2]:  # a denunciation is not there at all, by whatever way it came
        assert client.get(f"/open311/v2/requests/{ref}.json").status_code == 404
    monkeypatch.setattr(sitemaps, "SITEMAP_MAX_URLS", 2)
    texts["/sitemap.xml (index)"] = client.get("/sitemap.xml").get_data(as_text=True)
    result = runner.invoke(args=["opendata", "export", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    for path in sorted((tmp_path / "export").iterdir()):
        texts[path.name] = path.read_text(encoding="utf-8")
    codes = [question.tracking_code, denunciation.tracking_code] + [by_open311[k]["tracking_code"] for k in by_open311]
    return texts, codes, f"/notices/{notice.id}"


def test_no_personal_detail_no_citizen_text_and_no_denunciation_reaches_a_public_surface(surfaces):
    texts, tracking_codes, notice_page = surfaces
    secrets = [CITIZEN["name"], CITIZEN["email"], CITIZEN["address"], "Trúc Lâm", *PHONE_FORMS, "001190012345"]
    secrets += [QUESTION, "Hồng Nhung", DENUNCIATION, "Phạm Quốc Toản", "ghi sai diện tích", *tracking_codes]

    for surface, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} is on {surface}"
    # The surfaces did carry the public part: the edited question and the answer, the notice and its queue figures.
    assert EDITED in texts["/feeds/answers.atom"] and "987/QĐ-BT" in texts["/feeds/answers.atom"]
    assert "Bồi thường khi mở rộng đường liên thôn" in texts["notices.csv"]
    assert '"received": 4' in texts["queue_figures.jsonl"]
    assert EDITED in texts[notice_page]
    listed = texts["/open311/v2/requests.json"]
    assert EDITED in listed and "987/QĐ-BT" in listed  # the public question and answer, and only those
