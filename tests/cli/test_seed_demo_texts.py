"""The demo reads like a commune wrote it: no word said twice in a row, titles and summaries that agree."""

import re

import pytest
from sqlalchemy import select

from app.clock import local_today, utcnow
from app.extensions import db
from app.feedback.demo.texts import TEXTS as QUEUE_TEXTS
from app.feedback.models import Feedback, FeedbackEvent
from app.notices import demo
from app.notices.demo.places import FIELDS, PLACES, PROVINCE_PROJECTS
from app.notices.demo.plans import plan_notice
from app.notices.demo.texts import CATEGORIES, TEXTS

TAG = re.compile(r"<[^>]+>")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Placeholders that name the commune: a summary must hold one, and they stand in for each other.
COMMUNE = {"commune", "commune_label", "committee", "committee_full"}
EDGES = "\"'()[]“”.,;:!?"


def doubled_words(text):
    """The words of `text` written twice in a row, case and tags aside ("năm năm", "đồng Đồng").

    Numbers are not words: a phone number may well read "0912 283 283".
    """
    words = TAG.sub(" ", text).split()
    found = []
    for first, second in zip(words, words[1:], strict=False):
        if first[-1] in ".,;:!?)":  # "Hà, Hà" or "5 năm. Năm" is not a slip
            continue
        word = first.strip(EDGES).casefold()
        if any(char.isalpha() for char in word) and word == second.strip(EDGES).casefold():
            found.append(f"{first} {second}")
    return found


def strings(data):
    """Every string in a parsed data file."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from strings(value)


@pytest.fixture
def planned(runner):
    """3,000 demo notices as seed-demo plans them (two seeds), over the real unit tree."""
    result = runner.invoke(args=["seed-demo", "--notices", "0", "--feedback", "0"])
    assert result.exit_code == 0, result.output
    today, now = local_today(), utcnow()
    plans = []
    for seed in (demo.DEFAULT_SEED, 7):
        communes, weights = demo.demo_communes(seed)
        used_codes = set()
        plans += [plan_notice(index, seed, communes, weights, today, now, used_codes, {}) for index in range(1500)]
    return plans


def notice_texts(plan):
    row = plan.row
    yield from (row["title"], row["summary"], row["body_html"], row["place"], row["withdrawal_reason"])
    for version in plan.versions:
        yield version["reason"]


def test_a_doubled_word_is_found():
    assert doubled_words("Báo cáo 6 tháng đầu năm năm 2026") == ["năm năm"]
    assert doubled_words("<p>tại xứ đồng</p> Đồng Sau") == ["đồng Đồng"]
    assert doubled_words("Thời hạn 5 năm. Năm 2026, bà Hà, Hà Nội, điện thoại 0912 283 283") == []


def test_no_data_file_writes_a_word_twice():
    """The templates themselves, placeholders aside (e.g. "nhà thầu thi công công trình")."""
    found = {}
    for text in strings((TEXTS, PLACES, QUEUE_TEXTS)):
        doubled = doubled_words(PLACEHOLDER.sub(r"§\1", text))
        if doubled:
            found[text] = doubled
    assert found == {}


def test_demo_notices_say_no_word_twice(planned):
    found = {}
    for plan in planned:
        for text in notice_texts(plan):
            if doubled_words(text):
                found[text[:120]] = doubled_words(text)
    assert found == {}


def test_demo_queue_says_no_word_twice(runner):
    result = runner.invoke(args=["seed-demo", "--notices", "60", "--feedback", "1500"])
    assert result.exit_code == 0, result.output
    texts = []
    for item in db.session.scalars(select(Feedback)):
        texts += [item.text, item.public_question, item.answer_html, item.rating_comment, item.submitter_name]
    texts += db.session.scalars(select(FeedbackEvent.body)).all()
    assert len(texts) > 7500
    assert {text: doubled_words(text) for text in texts if doubled_words(text)} == {}


def test_every_summary_of_a_subject_speaks_of_what_its_title_names():
    """Each placeholder of a title (the thing, the place, the year…) is in each of its summaries, with the commune."""
    for category, spec in CATEGORIES.items():
        assert len(spec["subjects"]) >= 4, category
        for subject in spec["subjects"]:
            named = set(PLACEHOLDER.findall(subject["title"]))
            assert subject["summaries"], subject["title"]
            for summary in subject["summaries"]:
                said = set(PLACEHOLDER.findall(summary))
                assert said & COMMUNE, summary
                assert named - COMMUNE <= said, (subject["title"], summary)


def names(text, candidates):
    """The candidates (villages, fields, projects) that `text` names, as whole words, in any case."""
    folded = text.casefold()
    return {
        candidate for candidate in candidates if re.search(rf"(?<!\w){re.escape(candidate.casefold())}(?!\w)", folded)
    }


def test_demo_summaries_name_the_commune_and_places_of_their_titles(planned):
    disagreeing = []
    for plan in planned:
        commune, title, summary = plan.commune, plan.row["title"], plan.row["summary"]
        places = (*commune.villages, *FIELDS, *PROVINCE_PROJECTS)
        if commune.short_name not in summary or not names(title, places) <= names(summary, places):
            disagreeing.append((commune.name, title, summary))
    assert disagreeing == []


def test_demo_sums_and_areas_hang_together(planned):
    """Of an area, a part; of money raised, what was spent: never more than the whole."""

    def number(text):
        return float(text.replace(".", "").replace(",", "."))

    checked = 0
    for plan in planned:
        summary = plan.row["summary"]
        part = re.search(r"có ([\d.,]+) m², trong đó ([\d.,]+) m²", summary)
        spent = re.search(r"thu ([\d.]+) đồng, (?:đã )?chi ([\d.]+) đồng", summary)
        for match in (part, spent):
            if match:
                checked += 1
                assert number(match.group(2)) <= number(match.group(1)), summary
    assert checked > 10


def test_only_drafts_put_to_the_people_ask_for_comments(planned):
    """A comment deadline (in the summary, the body and the notice's dates) only on a draft or a call for comments."""
    asking = [plan for plan in planned if plan.row["opinion_end"]]
    assert len(asking) > 50
    for plan in planned:
        row = plan.row
        assert ("Hạn góp ý" in row["summary"]) == bool(row["opinion_end"]), row["title"]
        if row["opinion_end"]:
            assert re.search("dự thảo|lấy ý kiến", row["title"].casefold()), row["title"]
