"""Vietnamese analysis, query parsing and snippets, without an index or a database."""

import unicodedata

import pytest

from app.search.analysis import codes, exact_analyzer, fold, folded_analyzer, normalize, place_tone, words
from app.search.highlight import highlight
from app.search.query import MAX_QUERY_CHARS, MAX_WORDS, parse_query


def nfd(text):
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đất", "dat"),
        ("ĐƯỜNG VÀNH ĐAI", "duong vanh dai"),
        ("Giải phóng mặt bằng", "giai phong mat bang"),
        ("ăn ơn ưu ê ô â", "an on uu e o a"),  # vowel marks go too, not only tones
        ("ðất", "dat"),  # ð left by legacy font conversions for đ
        (nfd("Hộ nghèo thôn Hạ"), "ho ngheo thon ha"),
    ],
)
def test_folding_removes_tones_vowel_marks_and_d_stroke(text, folded):
    assert fold(text) == folded


def test_decomposed_text_is_not_split_inside_words():
    decomposed = nfd("Giải phóng mặt bằng Đồng Đình")
    assert decomposed != normalize(decomposed)
    assert words(decomposed) == ["giải", "phóng", "mặt", "bằng", "đồng", "đình"]
    assert [token.text for token in folded_analyzer()(decomposed)] == ["giai", "phong", "mat", "bang", "dong", "dinh"]
    assert [token.text for token in exact_analyzer()(decomposed)] == words(decomposed)


@pytest.mark.parametrize(
    ("word", "placed"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("hòa", "hòa"),
        ("quý", "quý"),
        ("hoàn", "hoàn"),
        ("hoa", "hoa"),
    ],
)
def test_tone_placement_is_made_consistent_in_exact_words(word, placed):
    assert place_tone(word) == placed


def test_numbers_and_document_codes_are_kept():
    text = "Quyết định số 123/QĐ-UBND theo Luật 10/2022/QH15, quỹ đất 5% năm 2026"
    assert codes(text) == ["123/qd-ubnd", "10/2022/qh15", "5%"]
    assert "2026" in words(text)
    assert ["123", "qđ", "ubnd"] == words("123/QĐ-UBND")


def test_invisible_characters_do_not_break_or_join_words_wrongly():
    assert normalize("thu\u200bhồi đ\u00adất\ufeff") == "thu hồi đất"


@pytest.mark.parametrize(
    "raw",
    ['"', '"giai phong', "AND (", "!!!", "😀😀", "\x00\x01", "((()))", "*?~^", "title:abc", "", "   ", "-- ' ;"],
)
def test_any_input_parses_into_a_safe_query(raw):
    parsed = parse_query(raw)
    for unit in (*parsed.words, *parsed.phrases):
        assert all(token and token.isalnum() for token in unit.folded)


def test_quotes_make_phrases_and_an_unpaired_quote_is_ignored():
    parsed = parse_query('"vành đai 4" "thu hồi')
    assert [phrase.folded for phrase in parsed.phrases] == [("vanh", "dai", "4")]
    assert [word.folded for word in parsed.words] == [("thu",), ("hoi",)]
    assert [word.folded for word in parse_query("“hộ nghèo”").phrases] == [("ho", "ngheo")]


def test_operators_are_not_searched_and_codes_stay_whole():
    parsed = parse_query("ho ngheo AND thon ha OR 123/QĐ-UBND")
    assert [word.folded for word in parsed.words][:4] == [("ho",), ("ngheo",), ("thon",), ("ha",)]
    assert parsed.words[-1].code == "123/qd-ubnd"


def test_very_long_input_is_truncated_not_refused():
    parsed = parse_query("giai phong mat bang " * 400)
    assert parsed.truncated
    assert len(parsed.text) <= MAX_QUERY_CHARS
    parsed = parse_query(" ".join(f"tu{number}" for number in range(50)))
    assert parsed.truncated and len(parsed.words) == MAX_WORDS


def test_snippets_escape_the_text_and_mark_only_matches():
    snippet = highlight('<b>Đất</b> & "nhà"', parse_query("dat").highlight_terms())
    assert str(snippet) == "&lt;b&gt;<mark>Đất</mark>&lt;/b&gt; &amp; &#34;nhà&#34;"


def test_snippets_mark_exact_spellings_first_and_join_neighbouring_words():
    text = "Thu hồi đất tại thôn Đồng Đình theo Quyết định 123/QĐ-UBND"
    assert "thôn <mark>Đồng Đình</mark> theo Quyết định" in str(
        highlight(text, parse_query("Đồng Đình").highlight_terms())
    )
    assert "<mark>123/QĐ-UBND</mark>" in str(highlight(text, parse_query("123/QĐ-UBND").highlight_terms()))
    assert highlight(text, parse_query("ngheo").highlight_terms()) is None


def test_long_texts_give_a_passage_around_the_matches():
    text = "Mở đầu. " * 60 + "Danh sách hộ nghèo thôn Hạ được công khai." + " Kết thúc." * 60
    snippet = str(highlight(text, parse_query("ho ngheo thon ha").highlight_terms(), max_chars=120))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>hộ nghèo thôn Hạ</mark>" in snippet
    assert len(snippet) < 200
