"""The index directory: generations of the index and the pointer to the live one.

Layout of SEARCH_INDEX_DIR:
    CURRENT            the name of the live generation (replaced atomically by a rebuild)
    gen-<stamp>/       a complete Whoosh index; the live one and the one before it are kept
    building-<stamp>/  a rebuild in progress (renamed to gen-… when complete)
"""

import os
import secrets
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime

from whoosh.filedb.filestore import FileStorage

POINTER = "CURRENT"


class RebuildRunning(Exception):
    """Another rebuild of this node's index is in progress."""


def current_path(root):
    """Return the live generation's directory under `root`, or None when there is none."""
    try:
        with open(os.path.join(root, POINTER), encoding="utf-8") as pointer:
            name = pointer.read().strip()
    except OSError:
        return None
    if not name.startswith("gen-") or os.sep in name:
        return None
    path = os.path.join(root, name)
    return path if os.path.isdir(path) else None


def write_pointer(root, name):
    """Make generation `name` the live one, atomically."""
    temporary = os.path.join(root, f".{POINTER}.{secrets.token_hex(4)}")
    with open(temporary, "w", encoding="utf-8") as pointer:
        pointer.write(name)
        pointer.flush()
        os.fsync(pointer.fileno())
    os.replace(temporary, os.path.join(root, POINTER))


@contextmanager
def new_generation(root):
    """Yield the directory of a new generation; make it live if the block succeeds, else remove it.

    One rebuild at a time per directory: raises RebuildRunning while another holds the lock.
    Searches keep using the previous generation until the pointer is replaced.
    """
    os.makedirs(root, exist_ok=True)
    lock = FileStorage(root).lock("REBUILD")
    if not lock.acquire(blocking=False):
        raise RebuildRunning(root)
    try:
        _remove_unfinished_builds(root)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        suffix = f"{stamp}-{secrets.token_hex(3)}"
        building = os.path.join(root, f"building-{suffix}")
        os.makedirs(building)
        try:
            yield building
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        name = f"gen-{suffix}"
        os.rename(building, os.path.join(root, name))
        previous = current_path(root)
        write_pointer(root, name)
        _remove_old_generations(root, keep={name, os.path.basename(previous) if previous else None})
    finally:
        lock.release()


def _remove_unfinished_builds(root):
    for entry in os.listdir(root):
        if entry.startswith("building-"):
            shutil.rmtree(os.path.join(root, entry), ignore_errors=True)


def _remove_old_generations(root, keep):
    # The generation just replaced stays one more round for searches that opened it.
    for entry in os.listdir(root):
        if entry.startswith("gen-") and entry not in keep:
            shutil.rmtree(os.path.join(root, entry), ignore_errors=True)
