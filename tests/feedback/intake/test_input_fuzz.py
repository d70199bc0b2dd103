"""Fuzzing the citizen's ways in: whatever arrives, the answer is below 500 and carries a message.

Hypothesis sends arbitrary JSON values, bodies nested thousands of levels deep, bytes that are no UTF-8,
and strings with NUL, lone surrogates, control and combining characters, to POST /api/v1/feedback and
to the form at POST /feedback/new (each field alone made odd on an otherwise valid submission, or
everything at once). Bounded: a few hundred requests, well under a minute.
"""

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.feedback.intake.conftest import error_texts

FIELDS = (
    "kind",
    "unit",
    "notice",
    "text",
    "name",
    "phone",
    "email",
    "address",
    "id_number",
    "notify_by",
    "consent",
    "photos",
    "idempotency_key",
)
VALID = {"kind": "question", "unit": "07627", "text": "Xin hỏi bao giờ xã sửa đường liên thôn?"}
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same inputs on every run: a CI failure can be replayed
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=("Cc", "Cs", "Cf", "Mn", "Zs", "Co")), max_size=20),
    st.sampled_from(["\x00", "\ud800", "a\udfffb", "\ufeff", "\u202e", "07627\x00", "question\x00", "9" * 5000, ""]),
    st.text(max_size=3).map(lambda tail: "x" * 20_001 + tail),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | odd_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(odd_text, children, max_size=4),
    max_leaves=12,
)


def _json_bytes(value, ascii_only):
    # ensure_ascii writes a lone surrogate as the escape "\ud800"; otherwise it becomes bytes no UTF-8 decoder takes.
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True).encode("utf-8", "surrogatepass")


api_bodies = st.one_of(
    st.builds(lambda field, value: {**VALID, field: value}, st.sampled_from(FIELDS), odd_text),
    st.builds(lambda field, value: {**VALID, field: value}, st.sampled_from(FIELDS), json_values),
    st.dictionaries(st.sampled_from(FIELDS) | odd_text, json_values, max_size=6),
    json_values,
).flatmap(lambda value: st.builds(_json_bytes, st.just(value), st.booleans()))
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.integers(1, 20_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 5_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
)


def _answers_with_a_message(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    body = response.get_json()
    if response.status_code == 201:
        assert body["tracking_code"]
    else:
        assert 400 <= response.status_code < 500 and body["message"], body


@FUZZ
@given(body=api_bodies | raw_bodies)
@example(body=b'{"kind": "question", "unit": "07627", "text": "\\ud800"}')  # a 500 before strict decoding
@example(body=b"[" * 5000 + b"]" * 5000)  # nested a few thousand levels deep: the other 500
@example(body=b'{"kind": "question", "unit": "07627", "text": "\\u0000", "name": "\\udc00"}')
def test_every_json_body_gets_an_answer_below_500_with_a_message(client, units, body):
    _answers_with_a_message(client.post("/api/v1/feedback", data=body, content_type="application/json"))


def _form_body(fields):
    """URL-encode as a browser would, lone surrogates written as the bytes a broken client would send."""
    return urlencode(
        [(name.encode("utf-8", "surrogatepass"), value.encode("utf-8", "surrogatepass")) for name, value in fields]
    )


odd_pairs = st.lists(st.tuples(st.sampled_from(FIELDS) | odd_text, odd_text), max_size=8)
form_fields = st.one_of(
    st.builds(lambda field, value: [*({**VALID, field: value}).items()], st.sampled_from(FIELDS), odd_text),
    odd_pairs.map(lambda pairs: [*pairs, *VALID.items()]),  # the first value of a field is the one read
    odd_pairs,
)


@FUZZ
@given(fields=form_fields)
@example(fields=[*VALID.items(), ("name", "Nguyễn\x00Văn"), ("consent", "y")])
@example(fields=[("kind", "question"), ("unit", "07627\x00"), ("text", "\ud800")])
def test_every_form_submission_gets_an_answer_below_500_with_a_message(client, units, fields):
    response = client.post("/feedback/new", data=_form_body(fields), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    page = response.get_data(as_text=True)
    if response.status_code == 303:
        assert "/feedback/submitted/" in response.headers["Location"]
    elif response.status_code == 200:
        assert error_texts(page) or "error-summary" in page or "flash-warning" in page, page[:2000]
    else:
        assert 400 <= response.status_code < 500 and '<p class="lead">' in page
