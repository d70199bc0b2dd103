"""Fuzzing the consultations API: whatever a client sends for a code or an opinion, the answer is below 500
and carries a Vietnamese message (the same strategies as the citizen's feedback, tests/feedback/intake)."""

from hypothesis import example, given
from hypothesis import strategies as st

from tests.feedback.intake.test_input_fuzz import FUZZ, _form_body, _json_bytes, json_values, odd_text, raw_bodies

OPINION_FIELDS = ("phone", "code", "choice", "comment", "name", "village")
VALID = {"phone": "0912345678", "code": "123456", "choice": "agree"}
bodies = st.one_of(
    st.builds(lambda field, value: {**VALID, field: value}, st.sampled_from(OPINION_FIELDS), odd_text),
    st.builds(lambda field, value: {**VALID, field: value}, st.sampled_from(OPINION_FIELDS), json_values),
    st.dictionaries(st.sampled_from(OPINION_FIELDS) | odd_text, json_values, max_size=6),
    json_values,
).flatmap(lambda value: st.builds(_json_bytes, st.just(value), st.booleans()))


def _answers_with_a_message(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 300:
        assert 400 <= response.status_code < 500 and response.get_json()["message"]


@FUZZ
@given(body=bodies | raw_bodies, endpoint=st.sampled_from(["opinions", "verification"]))
@example(body=b'{"phone": "\\ud800", "code": "123456", "choice": "agree"}', endpoint="opinions")
@example(body=b'{"phone": "0912345678", "code": ["1"], "choice": {"a": 1}}', endpoint="opinions")
@example(body=b'{"phone": 912345678}', endpoint="verification")
def test_every_opinion_or_code_request_gets_an_answer_below_500_with_a_message(client, consultation, body, endpoint):
    url = f"/api/v1/consultations/{consultation.id}/{endpoint}"
    _answers_with_a_message(client.post(url, data=body, content_type="application/json"))


form_pairs = st.lists(st.tuples(st.sampled_from(OPINION_FIELDS) | odd_text, odd_text), max_size=8)
form_fields = st.one_of(
    st.builds(lambda field, value: [*({**VALID, field: value}).items()], st.sampled_from(OPINION_FIELDS), odd_text),
    form_pairs.map(lambda pairs: [*pairs, *VALID.items()]),
    form_pairs,
)


@FUZZ
@given(fields=form_fields, step=st.sampled_from(["code", "opinion"]))
@example(fields=[*VALID.items(), ("village", "\ud800")], step="opinion")
@example(fields=[("choice", "agree\x00"), ("phone", "0912\x00345678")], step="code")
def test_every_opinion_form_gets_a_page_below_500(client, notice, consultation, fields, step):
    """The notice page's two steps (no JavaScript): a page saying what to fix, or the next step."""
    body = _form_body(fields)
    response = client.post(
        f"/notices/{notice.id}/consultation/{step}", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert "field-error" in response.get_data(as_text=True) or "flash" in response.get_data(as_text=True)
