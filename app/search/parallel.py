"""The writer of a rebuild: one process, or Whoosh's multiprocess writer made safe to use here.

Whoosh analyses and sorts postings in pure Python, so a rebuild is CPU-bound on one core.
With `processes` > 1, Whoosh's MpWriter hands batches of documents (pickled to job files)
to that many sub-processes; each analyses its share and writes its own segment, and the
commit lists those segments (multisegment: nothing is merged afterwards). The parent keeps
reading the database and building documents meanwhile.

MpWriter as shipped assumes nothing goes wrong; here:
- a sub-process that fails or is killed is reported (its segment would otherwise be dropped
  silently), and the caller checks the document count before the generation goes live;
- `cancel()` terminates the sub-processes (MpWriter's only sets a flag in the parent's copy
  of each task, so they would wait for work forever);
- a sub-process whose parent died (a rebuild killed midway) exits instead of waiting forever;
- the parent never waits forever to hand work to sub-processes that have all died.

Sub-processes are forked (they need nothing but the index directory); where fork is not
available the rebuild runs in one process.
"""

import multiprocessing
import os
import pickle
import queue
import threading
import time

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

PARENT_CHECK_SECONDS = 0.5
BATCH_DOCUMENTS = 100  # documents per job file handed to a sub-process


class RebuildFailed(Exception):
    """A sub-process of a rebuild failed: the new generation is incomplete and must not go live."""


def can_fork():
    """Whether sub-processes can be forked on this platform."""
    return "fork" in multiprocessing.get_all_start_methods()


def rebuild_writer(ix, processes, memory_mb):
    """Return a writer for a new generation: `processes` processes sharing `memory_mb` of sort buffers.

    Separate files, not one compound file: a searcher opening a compound segment copies
    every part of it into memory, and a new searcher is opened after every change.
    """
    processes = max(1, int(processes))
    if processes == 1 or not can_fork():
        return ix.writer(limitmb=max(1, memory_mb), compound=False)
    return ParallelWriter(
        ix,
        procs=processes,
        batchsize=BATCH_DOCUMENTS,
        multisegment=True,
        limitmb=max(1, memory_mb // processes),
        compound=False,
    )


def _exit_when_orphaned(parent_pid):
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


class _SubWriter(SubWriterTask):
    """A sub-process that exits when its parent is gone (nobody would ever collect its segment)."""

    def __init__(self, *args, parent_pid):
        super().__init__(*args)
        self.parent_pid = parent_pid
        self.daemon = True  # terminated, not waited for, if the parent exits without committing

    @staticmethod
    def _Popen(process):  # noqa: N802 (multiprocessing's name): forked whatever the default start method
        return multiprocessing.get_context("fork").Process._Popen(process)

    def run(self):
        threading.Thread(target=_exit_when_orphaned, args=(self.parent_pid,), daemon=True).start()
        super().run()


class ParallelWriter(MpWriter):
    """MpWriter with sub-processes that are watched, reported and terminated on cancel."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, start_method="fork", **kwargs)

    def _new_task(self):
        task = _SubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            parent_pid=os.getpid(),
        )
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self):
        # As MpWriter._enqueue, but the hand-over gives up when every sub-process has died.
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as job:
            for item in self.docbuffer:
                pickle.dump(item, job, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put(self, job):
        while True:
            try:
                self.jobqueue.put(job, timeout=1)
                return
            except queue.Full:
                if not any(task.is_alive() for task in self.tasks):
                    raise RebuildFailed(self._failures()) from None

    def _failures(self):
        codes = [task.exitcode for task in self.tasks if task.exitcode]
        return f"{len(codes)} of {len(self.tasks)} rebuild processes failed (exit codes {codes})"

    def commit(self, *args, **kwargs):
        """Commit the sub-processes' segments; raise RebuildFailed if any of them failed."""
        if self.docbuffer:
            self._enqueue()
        if self.tasks:
            # MpWriter's commit hands each sub-process its "finish" (None) with no timeout, which
            # waits forever if they all died with the queue full. Hand them over here first; the
            # second round MpWriter adds is left unread in the queue (it holds 4 per process).
            for _ in self.tasks:
                self._put(None)
        super().commit(*args, **kwargs)
        if any(task.exitcode for task in self.tasks):
            raise RebuildFailed(self._failures())

    def cancel(self):
        """Stop the sub-processes and discard everything written."""
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join()
        SegmentWriter.cancel(self)
