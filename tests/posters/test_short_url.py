"""The short URL printed under the QR code: /n/<code> redirects to the notice."""

from app.extensions import db
from app.notices import services as notice_services


def test_short_url_redirects_to_the_notice(client, notice):
    response = client.get(f"/n/{notice.short_code}")

    assert response.status_code == 302
    assert response.location.endswith(f"/notices/{notice.id}")


def test_short_url_is_case_insensitive_and_ignores_spaces_and_hyphens(client, notice):
    code = notice.short_code
    typed = f"%20{code[:3].lower()}-{code[3:].lower()}%20"

    response = client.get(f"/n/{typed}")

    assert response.status_code == 302
    assert response.location.endswith(f"/notices/{notice.id}")


def test_short_url_of_a_withdrawn_notice_still_leads_to_it(client, notice, official):
    notice_services.withdraw_notice(notice, "Ban hành nhầm đối tượng", official)
    db.session.commit()

    response = client.get(f"/n/{notice.short_code}")

    assert response.status_code == 302
    assert response.location.endswith(f"/notices/{notice.id}")


def test_unknown_short_code_is_a_404_page(client, notice):
    unknown = "ZZZZZZ" if notice.short_code != "ZZZZZZ" else "YYYYYY"

    response = client.get(f"/n/{unknown}")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_short_code_with_letters_outside_the_alphabet_is_a_404(client, notice):
    response = client.get("/n/O0I1L")

    assert response.status_code == 404


def test_draft_has_no_short_url(client, draft):
    assert draft.short_code is None
    # Even a code forced onto a draft must not expose it.
    draft.short_code = "DRAFT2"
    db.session.commit()

    response = client.get("/n/DRAFT2")

    assert response.status_code == 404
