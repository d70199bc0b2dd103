"""Vietnamese is the source language; the English catalogue must cover every string."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {"app": [("**.py", "python")], "templates": [("**.html", "jinja2")]}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_messages():
    messages = set()
    for folder, methods in SOURCES.items():
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), methods, keywords=KEYWORDS
        ):
            messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def test_english_catalogue_translates_every_vietnamese_string():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="en")
    translated = {
        (message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalogue
        if message.id and message.string and not message.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert missing == [], f"{len(missing)} strings lack an English translation, e.g. {missing[:5]}"


def test_pages_switch_to_english_and_back(client):
    english = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Notices" in english
    # The choice sticks for the visitor's next page, and Vietnamese comes back on request.
    assert 'lang="en"' in client.get("/notices").get_data(as_text=True)
    vietnamese = client.get("/?lang=vi").get_data(as_text=True)
    assert 'lang="vi"' in vietnamese
    assert "Thông báo" in vietnamese
