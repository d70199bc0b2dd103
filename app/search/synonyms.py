"""The synonym table: abbreviations and everyday words people type (gpmb, tđc, đền bù …). No Whoosh.

The table is a data file (synonyms.txt beside this module, or SEARCH_SYNONYMS_PATH): one group of
equivalent spellings a line, separated by commas. It is read when searching, never when indexing,
so an edit takes effect at the next search without rebuilding the index; the file is read again
only when its modification time or size changes.
"""

import logging
import threading
from pathlib import Path

from flask import current_app

from app.search.analysis import fold, words

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).with_name("synonyms.txt")
MAX_ALTERNATIVES = 8  # per run of words; a table is short, this only bounds a careless one


class SynonymTable:
    """Groups of spellings, looked up by their folded words."""

    def __init__(self, groups=()):
        self._groups = {}  # folded words -> [exact words of every spelling in its groups]
        self.longest = 0  # the most words a spelling has
        for group in groups:
            spellings = [tuple(words(term)) for term in group]
            spellings = [spelling for spelling in spellings if spelling]
            for spelling in spellings:
                key = _folded(spelling)
                known = self._groups.setdefault(key, [])
                known.extend(other for other in spellings if _folded(other) != key and other not in known)
                self.longest = max(self.longest, len(spelling))

    def expansions(self, text):
        """Return the other spellings (tuples of exact words) of a text, or an empty list."""
        return list(self._groups.get(_folded(words(text)), []))

    def alternatives(self, folded_words):
        """Return the other spellings of these folded words, folded, as a tuple of word tuples."""
        found = dict.fromkeys(_folded(spelling) for spelling in self._groups.get(tuple(folded_words), []))
        return tuple(found)[:MAX_ALTERNATIVES]


def _folded(spelling):
    return tuple(fold(word) for word in spelling)


def parse_table(text):
    """Return a SynonymTable from the file's text; a line with fewer than two spellings is skipped."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = [term.strip() for term in line.split(",") if words(term)]
        if len(terms) >= 2:
            groups.append(terms)
    return SynonymTable(groups)


_cache = {}
_lock = threading.Lock()


def load_synonyms(path):
    """Return the table in `path`, read again only when the file changed; an empty table if unreadable."""
    path = Path(path)
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        table = parse_table(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        log.warning("synonym table %s cannot be read: %s", path, error)
        return SynonymTable()
    with _lock:
        _cache[path] = (key, table)
    return table


def current_synonyms():
    """Return the table this application searches with."""
    return load_synonyms(current_app.config.get("SEARCH_SYNONYMS_PATH") or DEFAULT_PATH)
