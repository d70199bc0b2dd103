"""A denunciation's photos, sealed like its identity: written as sealed boxes, opened in memory, sealed again.

A photo may show the person who denounces, so it is sealed on arrival to the same unit key as the
identity (app.feedback.identities chooses the key): it is sealed in memory and only the sealed box
reaches the disk (`<random>.sealed`, even its temporary file), and its row keeps the box's size and
hash with the key's fingerprint, never a hash of the image. The handler's key opens the photos for one
response or one command; forwarding writes each photo again for the new unit's key.

Sealing again replaces a file: the new one is written under a new name before the row changes, the old
one is removed once that transaction has committed, and the new one if it rolls back, so a row never
names a file that is gone.
"""

import base64
import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.feedback import sealing
from app.feedback.photos import FORMATS, photo_path, store_photo_bytes

SEALED_EXTENSION = "sealed"
_REPLACED = "sealed_photos_replaced"  # session.info: paths to remove once the transaction commits
_WRITTEN = "sealed_photos_written"  # session.info: paths to remove if it rolls back

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedPhoto:
    """A sealed photo opened in memory for one response: its place among the item's photos and its bytes."""

    number: int  # 1, 2, 3: as the item page numbers its photos
    photo_id: int
    media_type: str
    data: bytes

    @property
    def extension(self):
        return FORMATS.get(self.media_type, ("", "bin"))[1]

    @property
    def data_uri(self):
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def store(photo, key=None):
    """Write a CleanPhoto (sealed to `key`, a UnitKey, when given) and return its FeedbackPhoto columns.

    Raises OSError if the disk refuses.
    """
    if key is None:
        return {
            "stored_name": store_photo_bytes(photo.data, photo.extension),
            "media_type": photo.media_type,
            "size": len(photo.data),
            "sha256": photo.sha256,
            "sealed_key_fingerprint": None,
        }
    box = sealing.seal_bytes(photo.data, key.public_key)
    return {
        "stored_name": store_photo_bytes(box, SEALED_EXTENSION),
        "media_type": photo.media_type,
        "size": len(box),
        "sha256": hashlib.sha256(box).hexdigest(),
        "sealed_key_fingerprint": key.fingerprint,
    }


def _read(photo):
    """The stored file's bytes, or None (logged) if it is missing."""
    try:
        return photo_path(photo.stored_name).read_bytes()
    except OSError:
        log.error("Photo %s of item %s is missing on disk", photo.id, photo.feedback_id)
        return None


@dataclass(frozen=True)
class SealedPhoto:
    """A sealed photo as stored: its place among the item's photos and its box, for a browser to open."""

    number: int
    photo_id: int
    media_type: str
    box: bytes
    fingerprint: str  # of the key it is sealed to


def sealed_boxes(photos):
    """The sealed ones of an item's `photos`, as stored (a file missing on disk is logged and left out)."""
    boxes = []
    for number, photo in enumerate(photos, start=1):
        if photo.is_sealed and (box := _read(photo)) is not None:
            boxes.append(SealedPhoto(number, photo.id, photo.media_type, box, photo.sealed_key_fingerprint))
    return boxes


def open_photos(photos, private_key):
    """Open the sealed ones of an item's `photos` with `private_key`: a list of OpenedPhoto.

    Raises sealing.WrongKey if the key does not open one; a file missing on disk is logged and left out.
    """
    opened = []
    for number, photo in enumerate(photos, start=1):
        if not photo.is_sealed:
            continue
        box = _read(photo)
        if box is None:
            continue
        opened.append(OpenedPhoto(number, photo.id, photo.media_type, sealing.open_sealed_bytes(box, private_key)))
    return opened


def replace_sealed(session, photo, box, fingerprint):
    """Point `photo` at a new file holding `box`; the old file goes once the transaction commits."""
    old_path = photo_path(photo.stored_name)
    stored_name = store_photo_bytes(box, SEALED_EXTENSION)
    session.info.setdefault(_WRITTEN, []).append(photo_path(stored_name))
    session.info.setdefault(_REPLACED, []).append(old_path)
    photo.stored_name = stored_name
    photo.size = len(box)
    photo.sha256 = hashlib.sha256(box).hexdigest()
    photo.sealed_key_fingerprint = fingerprint


def reseal(session, photos, private_key, key):
    """Seal an item's sealed `photos` again to `key` (a UnitKey), opened in memory with `private_key`.

    Every photo is opened before anything is written (sealing.WrongKey leaves all as they were).
    Return how many were sealed again.
    """
    opened = open_photos([photo for photo in photos if photo.sealed_key_fingerprint != key.fingerprint], private_key)
    by_id = {photo.id: photo for photo in photos}
    for photo in opened:
        replace_sealed(session, by_id[photo.photo_id], sealing.seal_bytes(photo.data, key.public_key), key.fingerprint)
    return len(opened)


def seal_clear(session, photos, key):
    """Seal `photos` stored as images to `key`; their clear files are removed once this commits. Return how many."""
    sealed = 0
    for photo in photos:
        if photo.is_sealed:
            continue
        data = _read(photo)
        if data is None:
            continue
        replace_sealed(session, photo, sealing.seal_bytes(data, key.public_key), key.fingerprint)
        sealed += 1
    return sealed


def _remove(paths):
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("Could not remove photo file %s", path.name)


@event.listens_for(Session, "after_commit")
def _remove_replaced_files(session):
    session.info.pop(_WRITTEN, None)
    _remove(session.info.pop(_REPLACED, ()))


@event.listens_for(Session, "after_transaction_end")
def _remove_written_files(session, transaction):
    # After a commit (handled above, first) nothing is left; after a rollback or a close, the rows still
    # name the old files, so the new ones go. Sealing again is never done inside a savepoint.
    if transaction.nested or transaction.parent is not None:
        return
    session.info.pop(_REPLACED, None)
    _remove(session.info.pop(_WRITTEN, ()))
