"""What the index holds: the schema of a notice document, its fields, and the index's own state document.

The state document is committed together with the notices, so an index can never claim a change it
does not contain: it names the last change-log row reflected (`last_change`) and the schema version.
"""

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, Schema

from app.search.analysis import (
    IndexedWords,
    code_analyzer,
    code_terms,
    folded_analyzer,
    folded_terms,
    marked_analyzer,
    marked_terms,
    pair_terms,
    pairs_analyzer,
)
from app.search.documents import UNIT_LEVELS

SCHEMA_VERSION = 3
STATE_ID = "~state"


def make_schema():
    """Return the schema of a notice document (see ranking.py for how each field is used)."""
    folded = folded_analyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        # The notice id is only read as a column (newest-first order): not indexed.
        nid=COLUMN(NumericColumn("Q")),
        # Everything a citizen may search for, folded, with positions for quoted phrases.
        all_folded=IndexedWords(folded, folded_terms, phrase=True),
        title_folded=IndexedWords(folded, folded_terms),
        summary_folded=IndexedWords(folded, folded_terms),
        exact=IndexedWords(marked_analyzer(), marked_terms),  # title and summary: words with diacritics
        pairs=IndexedWords(pairs_analyzer(), pair_terms),  # title and summary, words two by two
        codes=IndexedWords(code_analyzer(), code_terms),
        category=ID(sortable=True),
        status=ID,
        units=KEYWORD(lowercase=False, scorable=False),
        # Date ordinals (about 740,000) fit 32 bits: 8 indexed terms per value for ranges, not 16.
        posting_start=NUMERIC(int, bits=32, sortable=True),
        posting_end=NUMERIC(int, bits=32),
        last_change=NUMERIC(int, bits=64, stored=True),
        schema_version=NUMERIC(int, stored=True),
        built_at=STORED,
    )
    for level in range(UNIT_LEVELS):
        schema.add(f"unit_l{level}", ID(sortable=True))
    return schema


def document_fields(document):
    """Return the Whoosh fields of a NoticeDocument."""
    lead = f"{document.title}\n{document.summary}"
    fields = {
        "id": str(document.notice_id),
        "nid": document.notice_id,
        "all_folded": "\n".join([document.title, document.summary, document.body, document.meta, document.codes]),
        "title_folded": document.title,
        "summary_folded": document.summary,
        "exact": lead,
        "pairs": lead,
        "codes": document.codes,
        "category": document.category,
        "status": document.status,
        "units": " ".join(document.unit_codes),
        "posting_start": document.posting_start,
        "posting_end": document.posting_end,
    }
    for level, code in enumerate(document.unit_codes[:UNIT_LEVELS]):
        fields[f"unit_l{level}"] = code
    return fields


def read_state(searcher):
    """Return the index's state document (empty when there is none)."""
    return searcher.document(id=STATE_ID) or {}


def state_fields(last_change_id, built_at):
    """Return the fields of the state document."""
    return {
        "id": STATE_ID,
        "last_change": int(last_change_id),
        "schema_version": SCHEMA_VERSION,
        "built_at": built_at,
    }
