"""Fuzzing Open311's POST requests: whatever a system sends, the answer is below 500, in the spec's shape:
the created request, or a list of errors each with a code and a description."""

from hypothesis import example, given
from hypothesis import strategies as st

from tests.feedback.intake.test_input_fuzz import FUZZ, _form_body, odd_text

PARAMETERS = (
    "service_code",
    "description",
    "attribute[unit]",
    "address_string",
    "first_name",
    "last_name",
    "phone",
    "email",
    "lat",
    "long",
    "attribute[notice]",
    "attribute[id_number]",
    "attribute[consent]",
)
VALID = {"service_code": "petition", "description": "Cống thoát nước thôn Hạ bị tắc.", "attribute[unit]": "07627"}
odd_pairs = st.lists(st.tuples(st.sampled_from(PARAMETERS) | odd_text, odd_text), max_size=8)
requests = st.one_of(
    st.builds(lambda name, value: [*({**VALID, name: value}).items()], st.sampled_from(PARAMETERS), odd_text),
    odd_pairs.map(lambda pairs: [*pairs, *VALID.items()]),
    odd_pairs,
)


@FUZZ
@given(fields=requests)
@example(fields=[*VALID.items(), ("lat", "nan"), ("long", "1e309")])
@example(fields=[("service_code", "petition\x00"), ("description", "\ud800"), ("attribute[unit]", "07627")])
def test_every_open311_request_gets_an_answer_below_500_in_the_specs_shape(client, units, api_key, fields):
    body = _form_body([("api_key", api_key), *fields])
    response = client.post("/open311/v2/requests.json", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert isinstance(answer, list) and answer, answer
    if response.status_code == 201:
        assert answer[0]["service_request_id"].startswith("CK-")
    else:
        assert 400 <= response.status_code < 500
        assert all(error["code"] == response.status_code and error["description"] for error in answer), answer
