"""The API's documentation page reads on a 360-px phone: no sideways scrolling, long paths wrap."""

import pytest

from tests.browser.conftest import PHONE_WIDTH, page_width


@pytest.mark.browser
def test_the_api_docs_fit_a_phone(live_server, phone):
    phone.goto(f"{live_server}/api/v1/docs")
    assert phone.locator("h1").inner_text().startswith("API dữ liệu công khai")
    assert phone.locator("article.api-operation").count() >= 14
    assert page_width(phone) <= PHONE_WIDTH
    phone.locator("a[href='#schema-Notice']").first.click()
    assert phone.locator("#schema-Notice").is_visible()
