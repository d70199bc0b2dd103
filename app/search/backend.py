"""This node's Whoosh index, as the rest of app/search uses it: one SearchIndex per index directory.

The parts, each in its own module: the directory's generations and live pointer (generations.py),
the schema and the state document (schema.py), writing (writing.py), reading (searchers.py);
queries are built in ranking.py. Nothing outside app/search imports Whoosh.
"""

import os
from dataclasses import dataclass

from whoosh import index as whoosh_index

from app.search import ranking
from app.search.generations import current_path, new_generation
from app.search.index_errors import IndexUnavailable
from app.search.schema import STATE_ID, read_state
from app.search.searchers import cached_searcher, forget_searchers, open_searcher
from app.search.writing import build_generation, open_batch


@dataclass
class IndexStatus:
    """What `flask search status` reports about this node's index."""

    directory: str
    healthy: bool
    problem: str = ""
    generation: str | None = None
    indexed: int = 0
    last_change_id: int = 0
    built_at: str | None = None


class SearchIndex:
    """The index of one node, in the directory `root`."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    def current_path(self):
        """Return the live generation's directory, or None when there is none."""
        return current_path(self.root)

    def open(self, path=None):
        """Open the live generation; raise IndexUnavailable if it is missing, outdated or broken."""
        path = path or self.current_path()
        open_searcher(path).close()
        return whoosh_index.open_dir(path)

    def exists(self):
        """Whether a usable index is in place."""
        try:
            self.open()
        except IndexUnavailable:
            return False
        return True

    def searcher(self):
        """Return this thread's searcher of the live generation, refreshed if the index changed."""
        return cached_searcher(self.root, self.current_path())

    def last_change_id(self):
        """Return the id of the last change-log row the live index reflects."""
        return int(read_state(self.searcher().searcher).get("last_change", 0))

    def notice_ids(self):
        """Return the set of notice ids in the live index (for status checks and tests)."""
        ix = self.open()
        with ix.reader() as reader:
            return {int(text) for text in reader.field_terms("id") if text != STATE_ID}

    def status(self):
        """Describe the live index (never raises)."""
        status = IndexStatus(directory=self.root, healthy=False)
        try:
            ix = self.open()
            with ix.searcher() as searcher:
                state = read_state(searcher)
                status.indexed = searcher.doc_count() - (1 if state else 0)
        except IndexUnavailable as error:
            status.problem = str(error)
            return status
        status.healthy = True
        status.generation = os.path.basename(self.current_path() or "")
        status.last_change_id = int(state.get("last_change", 0))
        status.built_at = state.get("built_at")
        return status

    def batch(self, timeout):
        """A context manager yielding a Batch on the live index (see writing.open_batch)."""
        return open_batch(self.current_path(), timeout)

    def rebuild(self, documents, last_change_id, progress=None, processes=1, memory_mb=256):
        """Build a new generation from `documents` and make it live atomically; return the notice count.

        Searches keep using the previous generation until the pointer is replaced.
        `progress(count)` is called after each document. `processes` sub-processes analyse
        the documents (one segment each) and share `memory_mb` of sort buffers, beyond
        which postings are spilled to sorted runs on disk. Raises RebuildRunning, and
        RebuildFailed when the new generation is incomplete (it never goes live then).
        """
        with new_generation(self.root) as path:
            return build_generation(path, documents, last_change_id, progress, processes, memory_mb)

    def search(self, request):
        """Run a SearchRequest; return IndexResults. Raises IndexUnavailable."""
        entry = self.searcher()
        try:
            return ranking.search(entry.sets, request)
        except Exception as error:
            forget_searchers()
            raise IndexUnavailable(f"search failed: {error}") from error
