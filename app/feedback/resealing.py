"""Sealing a denunciation again for the unit it is forwarded to, when that unit seals with another key.

Either the server opens the identity and photos in memory with the key the handler gives (`reseal`,
JavaScript off), or the handler's browser opens and seals them again itself and sends the new boxes
(`read_resealed`, `accept_resealed`): the server checks what it can without the key and writes them.
Both are audited ("identity.resealed").
"""

import base64
import binascii
import json

from flask_babel import gettext as _

from app.extensions import db
from app.feedback import sealed_photos, sealing
from app.feedback.identities import (
    IdentityError,
    is_sealed,
    needs_key,
    open_identity,
    read_key,
    sealed_fingerprint,
    wrong_key_message,
)
from app.feedback.sealing import WrongKey
from app.feedback.unit_keys import sealing_key_for
from app.ledger.chain import record


def needs_reseal(item, target_unit):
    """Whether moving a sealed item to `target_unit` needs its key (the target seals with another key)."""
    if not needs_key(item):
        return False
    target = sealing_key_for(target_unit).fingerprint
    fingerprints = {photo.sealed_key_fingerprint for photo in item.photos if photo.is_sealed}
    if is_sealed(item):
        fingerprints.add(item.sealed_key_fingerprint)
    return fingerprints != {target}


def reseal(item, private_key, target_unit, actor=None, reason=""):
    """Seal the item's identity and photos again for `target_unit`, opened in memory with `private_key`; audited.

    Return whether anything changed (nothing when the target seals with the same key, or nothing is sealed).
    `private_key` is a nacl PrivateKey, a key file's bytes or a pasted key; IdentityError if it is wrong.
    Everything is opened before anything is written: a wrong key changes nothing.
    """
    if not needs_reseal(item, target_unit):
        return False
    if not private_key:
        raise IdentityError(
            _(
                "Danh tính người tố cáo được niêm phong cho đơn vị đang giải quyết. Để chuyển sang %(unit)s, "
                "cán bộ giữ khóa phải chọn tệp khóa bí mật (hoặc dán khóa) để niêm phong lại cho đơn vị nhận.",
                unit=target_unit.name,
            )
        )
    if not isinstance(private_key, sealing.PrivateKey):
        private_key = read_key(private_key)
    target_key = sealing_key_for(target_unit)
    before = sealed_fingerprint(item)
    identity = None
    if is_sealed(item) and item.sealed_key_fingerprint != target_key.fingerprint:
        identity = open_identity(item, private_key)
    try:
        photos = sealed_photos.reseal(db.session, item.photos, private_key, target_key)
    except WrongKey as error:
        raise IdentityError(wrong_key_message(item, private_key)) from error
    _resealed(item, sealing.seal(identity, target_key.public_key) if identity is not None else None, target_key)
    _record(item, target_unit, before, target_key, actor, reason, photos=photos)
    return True


def _resealed(item, sealed_identity, target_key):
    if sealed_identity:
        item.sealed_identity = sealed_identity
        item.sealed_key_fingerprint = target_key.fingerprint
    db.session.flush()


def _record(item, target_unit, before, target_key, actor, reason, photos=0, in_browser=False):
    """The audit entry of one sealing again: for which unit, from which key to which, why, how many photos."""
    data = {"unit": target_unit.code, "from_key": before, "to_key": target_key.fingerprint, "reason": reason}
    if in_browser:
        data["in_browser"] = True
    if photos:
        data["photos"] = photos
    record(
        "identity.resealed",
        item,
        f"{item.tracking_code} → {target_unit.code}: {sealing.short_fingerprint(target_key.fingerprint)}",
        data,
        actor,
    )


MAX_RESEALED_TEXT = 40_000_000  # the form's field: the photos' boxes in base64, well past the upload limits


def read_resealed(text):
    """The browser's resealed boxes (JSON: fingerprint, identity, photos [{id, box}]) as accept_resealed takes
    them, or None when the form carries none; IdentityError when it is not what the page writes."""
    if not text:
        return None
    try:
        if len(text) > MAX_RESEALED_TEXT:
            raise ValueError("too long")
        value = json.loads(text)
        photos = {int(photo["id"]): base64.b64decode(photo["box"], validate=True) for photo in value.get("photos", [])}
        return {"fingerprint": str(value["fingerprint"]), "identity": value.get("identity"), "photos": photos}
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error) as error:
        raise IdentityError(
            _("Danh tính niêm phong lại trong trình duyệt không khớp với hồ sơ; hãy tải lại trang rồi chuyển lại.")
        ) from error


def accept_resealed(item, resealed, target_unit, actor=None, reason=""):
    """Take the identity and photos sealed again for `target_unit` in the handler's browser (which opened them
    with the unit's key there): the server checks what it can without the key and writes them; audited.

    `resealed` is {"fingerprint": the target key's, "identity": base64 or None, "photos": {photo id: bytes}}.
    A box sealed again holds the same text, so it has the same length as the one it replaces; a box missing, in
    excess, of another length or for another key is refused (IdentityError) and nothing changes.
    """
    if not needs_reseal(item, target_unit):
        return False
    target_key = sealing_key_for(target_unit)
    refused = IdentityError(
        _("Danh tính niêm phong lại trong trình duyệt không khớp với hồ sơ; hãy tải lại trang rồi chuyển lại.")
    )
    if resealed.get("fingerprint") != target_key.fingerprint:
        raise refused
    new_identity = resealed.get("identity")
    if is_sealed(item) and item.sealed_key_fingerprint != target_key.fingerprint:
        try:
            same_length = len(base64.b64decode(new_identity or "", validate=True)) == len(
                base64.b64decode(item.sealed_identity)
            )
        except (binascii.Error, ValueError):
            same_length = False
        if not same_length:
            raise refused
    elif new_identity:
        raise refused
    moving = {
        photo.id: photo
        for photo in item.photos
        if photo.is_sealed and photo.sealed_key_fingerprint != target_key.fingerprint
    }
    boxes = resealed.get("photos") or {}
    if set(boxes) != set(moving) or any(len(boxes[photo_id]) != photo.size for photo_id, photo in moving.items()):
        raise refused
    before = sealed_fingerprint(item)
    for photo_id, photo in moving.items():
        sealed_photos.replace_sealed(db.session, photo, boxes[photo_id], target_key.fingerprint)
    _resealed(item, new_identity, target_key)
    _record(item, target_unit, before, target_key, actor, reason, photos=len(moving), in_browser=True)
    return True
