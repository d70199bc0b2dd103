"""Attachment files: check what they are by content, store them under random names."""

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file

# media type -> stored file extension, for every kind of file a notice may carry.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RejectedFile(ValueError):
    """The upload is empty, too large, or not a kind of file we accept."""


@dataclass
class StoredFile:
    stored_name: str
    media_type: str
    size: int
    sha256: str


def _sniff_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            declared = archive.read("mimetype").decode("ascii", "replace").strip()
            return declared if declared in ALLOWED_TYPES else None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(name.startswith("xl/") for name in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _sniff_ole(data, original_name):
    # Legacy Office files share one container format; the streams inside tell them apart.
    if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
        return "application/msword"
    if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k\x00" in data:
        return "application/vnd.ms-excel"
    return None


def sniff_media_type(data, original_name=""):
    """Return the media type of the bytes if it is one we accept, else None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, original_name)
    return None


def store_upload(data, original_name=""):
    """Check the bytes and write them to NOTICES_DIR; return what was stored."""
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if not data:
        raise RejectedFile("empty")
    if len(data) > limit:
        raise RejectedFile("too_large")
    media_type = sniff_media_type(data, original_name)
    if media_type is None:
        raise RejectedFile("type")
    stored_name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[media_type]}"
    directory = Path(current_app.config["NOTICES_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{stored_name}.part"
    temporary.write_bytes(data)
    temporary.replace(directory / stored_name)
    return StoredFile(stored_name, media_type, len(data), hashlib.sha256(data).hexdigest())


def attachment_path(stored_name):
    """Return the path of a stored attachment file."""
    return Path(current_app.config["NOTICES_DIR"]) / stored_name


def discard(stored_name):
    """Remove a stored file (after a failed transaction); missing files are fine."""
    attachment_path(stored_name).unlink(missing_ok=True)


def send_stored(stored_name, media_type, download_name, sha256, max_age, what):
    """A stored file as a download (a safe Content-Disposition, its hash as ETag, nosniff); 404 when it is
    missing on disk, logged with `what` (e.g. "Attachment 3 of notice 7")."""
    path = attachment_path(stored_name)
    if not path.is_file():
        current_app.logger.error("%s is missing on disk", what)
        abort(404)
    response = send_file(
        path,
        mimetype=media_type,
        as_attachment=True,
        download_name=download_name,
        conditional=True,
        etag=sha256,
        max_age=max_age,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
