"""Sets of documents as bitmaps: a Python int whose bit n stands for document number n.

Whoosh is pure Python: reading the postings of a syllable found in most of 100,000 notices
costs about a microsecond per document, and Python sets of 100,000 numbers cost as much to
intersect and count. Bitmaps make every set operation one C loop over 12.5 kB (and, or,
and not, popcount), so matching, counting, facets and ranking classes cost microseconds.

Segments are immutable in Whoosh (a deletion is recorded beside the segment, never in it),
so the bitmap of a term or query in one segment is cached for the life of the process,
shared by threads and by the searchers that follow each commit: after a publish, only the
new small segment is read. Deletions are removed with each searcher's `live` bitmap.
"""

import threading
from collections import OrderedDict
from functools import reduce

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import And, Or, Term
from whoosh.reading import TermNotFound

SEGMENT_CACHE_BYTES = 64 * 1024 * 1024  # per process; about 5,000 term bitmaps of 100,000 documents
SEARCHER_CACHE_SIZE = 512  # term bitmaps kept per searcher (each thread has its own searcher)
KEY_SHIFT = 40  # newest-first key: posting start (a date ordinal) above the notice id
_BITS = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))


class _SegmentCache:
    """Bitmaps and columns of immutable segments, least recently used first out, bounded in bytes."""

    def __init__(self, limit):
        self.limit = limit
        self.size = 0
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value, size):
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self.size += size
            while self.size > self.limit and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def clear(self):
        with self._lock:
            self._items.clear()
            self.size = 0


_segment_cache = _SegmentCache(SEGMENT_CACHE_BYTES)


def members(bitmap):
    """Return the document numbers in a bitmap, ascending."""
    found = []
    data = bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")
    for position, byte in enumerate(data):
        if byte:
            base = position << 3
            found.extend(base + bit for bit in _BITS[byte])
    return found


def _bitmap(numbers, count):
    buffer = bytearray((count + 7) // 8)
    for number in numbers:
        buffer[number >> 3] |= 1 << (number & 7)
    return int.from_bytes(buffer, "little")


def _posting_numbers(reader, fieldname, text):
    """Yield the document numbers of a term in one segment, deleted ones included (fast path for Whoosh 3)."""
    try:
        matcher = reader.postings(fieldname, text)
    except (TermNotFound, KeyError):
        return
    leaf = getattr(matcher, "child", matcher)  # a FilterMatcher hides deletions; `live` does that here
    if type(leaf) is W3LeafMatcher and hasattr(leaf, "_read_ids") and hasattr(leaf, "_next_block"):
        while leaf.is_active():  # a block of ids at a time, not a generator step per document
            leaf._read_ids()
            yield from leaf._ids
            leaf._next_block()
    else:
        yield from matcher.all_ids()


class _Leaf:
    """One segment of a searcher: its reader, first document number and cache key."""

    def __init__(self, searcher, offset, directory):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.count = self.reader.doc_count_all()
        segment = self.reader.segment()
        segment_id = segment.segment_id() if segment is not None else None
        # Segment ids are random and never reused within an index directory.
        self.key = (directory, segment_id) if segment_id and directory else None

    def cached(self, name, compute, size):
        if self.key is None:
            return compute()
        key = (*self.key, *name)
        value = _segment_cache.get(key)
        if value is None:
            value = compute()
            _segment_cache.put(key, value, size(value))
            return value
        return value[0]

    def term(self, fieldname, text):
        return self.cached(
            ("term", fieldname, text),
            lambda: _bitmap(_posting_numbers(self.reader, fieldname, text), self.count),
            lambda bitmap: 64 + bitmap.bit_length() // 8,
        )

    def query(self, query):
        return self.cached(
            ("query", repr(query)),
            lambda: _bitmap(self.searcher.docs_for_query(query), self.count),
            lambda bitmap: 64 + bitmap.bit_length() // 8,
        )

    def newest_keys(self):
        def compute():
            starts = list(self.reader.column_reader("posting_start"))
            numbers = list(self.reader.column_reader("nid"))
            return [((start or 0) << KEY_SHIFT) + (number or 0) for start, number in zip(starts, numbers, strict=True)]

        return self.cached(("newest",), compute, lambda keys: 64 + 36 * len(keys))

    def live(self):
        full = (1 << self.count) - 1
        if not self.reader.has_deletions():
            return full
        deleted = getattr(self.reader, "deleted_docs_set", None)
        if deleted is None:
            deleted = (number for number in range(self.count) if self.reader.is_deleted(number))
        return full & ~_bitmap(deleted, self.count)


class DocSets:
    """The document sets of one searcher, as bitmaps; cached while the searcher is current."""

    def __init__(self, searcher, directory=None):
        """`directory` is the index generation the searcher reads; without it nothing is cached across searchers."""
        self.searcher = searcher
        self.leaves = [_Leaf(leaf, offset, directory) for leaf, offset in searcher.leaf_searchers()]
        self.live = self._combine(lambda leaf: leaf.live())
        self.filters = {}  # filter key -> bitmap of the documents the filters allow
        self._terms = {}
        self._keys = None
        self._order = None

    def _combine(self, part):
        result = 0
        for leaf in self.leaves:
            bits = part(leaf)
            if bits:
                result |= bits << leaf.offset
        return result

    def _remember(self, key, compute):
        bitmap = self._terms.get(key)
        if bitmap is None:
            if len(self._terms) >= SEARCHER_CACHE_SIZE:
                self._terms.pop(next(iter(self._terms)))
            bitmap = self._terms[key] = compute() & self.live
        return bitmap

    def term(self, fieldname, text):
        """Return the live documents containing a term."""
        return self._remember((fieldname, text), lambda: self._combine(lambda leaf: leaf.term(fieldname, text)))

    def query(self, query):
        """Return the live documents matching a Whoosh query (terms, and, or: from the term bitmaps)."""
        if type(query) is Term:
            return self.term(query.fieldname, query.text)
        if type(query) is And and query.subqueries:
            return reduce(lambda a, b: a & b, (self.query(sub) for sub in query.subqueries))
        if type(query) is Or and query.subqueries:
            return reduce(lambda a, b: a | b, (self.query(sub) for sub in query.subqueries))
        return self._remember(("query", repr(query)), lambda: self._combine(lambda leaf: leaf.query(query)))

    def keys(self):
        """Return the newest-first sort key of every document: posting start, then notice id."""
        if self._keys is None:
            keys = []
            for leaf in self.leaves:
                keys.extend(leaf.newest_keys())
            self._keys = keys
        return self._keys

    def notice_id(self, doc):
        return self.keys()[doc] & ((1 << KEY_SHIFT) - 1)

    def newest(self, bitmap, count):
        """Return up to `count` documents of the bitmap, newest first."""
        keys = self.keys()
        size = bitmap.bit_count()
        if size <= 4096 or size <= 4 * count:
            return sorted(members(bitmap), key=keys.__getitem__, reverse=True)[:count]
        if self._order is None:
            self._order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
        data = bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")
        limit = len(data)
        found = []
        for doc in self._order:
            position = doc >> 3
            if position < limit and data[position] >> (doc & 7) & 1:
                found.append(doc)
                if len(found) == count:
                    break
        return found


def clear_segment_cache():
    """Forget every cached segment bitmap (tests; after an index directory is replaced by another)."""
    _segment_cache.clear()
