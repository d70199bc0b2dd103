"""A snapshot's manifest.json and its checks: the sha256 and size of every file, copied or read.

A snapshot folder holds the database file (database.sqlite3 or database.pgdump), `files/` (a copy of
NOTICES_DIR: attachments, and citizens' photos under files/feedback/) and manifest.json, which lists
every other file of the folder with its sha256 and size. `verify_snapshot` re-hashes them all.
"""

import hashlib
import json
import os
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT = 1
FILES_FOLDER = "files"
_CHUNK = 1024 * 1024


def is_temporary(name):
    """A file being written by the site (storage writes `.name.part`, then renames it)."""
    return name.startswith(".") and name.endswith(".part")


def hash_file(path):
    """(sha256 hex, size) of the file at `path`."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_hashed(source, target):
    """Copy one file, hashing what is written; return {"sha256", "size"}."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    os.utime(target, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns))
    return {"sha256": digest.hexdigest(), "size": size}


def walk_files(root):
    """Every regular file under `root` as (relative POSIX path, path), sorted; site's temporary files left out."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if is_temporary(name) or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


def copy_tree(source, target):
    """Copy every file of `source` into `target`; return {relative path: {"sha256", "size"}}."""
    return {relative: copy_hashed(path, Path(target) / relative) for relative, path in walk_files(source)}


def write_manifest(folder, manifest):
    path = Path(folder) / MANIFEST
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(manifest, stream, ensure_ascii=False, indent=2, sort_keys=True)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())


def read_manifest(folder):
    """The manifest of a snapshot folder, or raise ValueError saying why it cannot be read."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ValueError(f"{MANIFEST} is missing: {folder} is not a complete snapshot")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{MANIFEST} is damaged: {error}") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ValueError(f"{MANIFEST} is damaged: no list of files")
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{MANIFEST} has format {manifest.get('format')!r}; this version reads {FORMAT}")
    return manifest


def verify_snapshot(folder):
    """Re-hash every file of a snapshot against its manifest; return (manifest or None, [problems]).

    A problem names the file: changed (its sha256 or size differs), missing, or extra (in the folder,
    not in the manifest). No problems: the folder is exactly what `backup create` wrote.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return None, [f"{folder} is not a folder"]
    try:
        manifest = read_manifest(folder)
    except ValueError as error:
        return None, [str(error)]
    problems = []
    present = {relative: path for relative, path in walk_all(folder) if relative != MANIFEST}
    for relative, expected in sorted(manifest["files"].items()):
        path = present.pop(relative, None)
        if path is None:
            problems.append(f"missing: {relative}")
            continue
        sha256, size = hash_file(path)
        if (sha256, size) != (expected.get("sha256"), expected.get("size")):
            problems.append(
                f"changed: {relative} (sha256 {sha256[:16]}…, {size} bytes; "
                f"the manifest says {str(expected.get('sha256'))[:16]}…, {expected.get('size')} bytes)"
            )
    problems.extend(f"extra: {relative} (not in the manifest)" for relative in sorted(present))
    return manifest, problems


def walk_all(root):
    """Every file under `root` (temporary names included: nothing may hide in a snapshot)."""
    found = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        found.extend(((Path(folder) / name).relative_to(root).as_posix(), Path(folder) / name) for name in names)
    return sorted(found)
