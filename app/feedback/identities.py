"""Who sent an item, as the law protects it: sealed on arrival, opened by the handler with the key, audited.

A denunciation's identity (name, address, phone, e-mail, CCCD) is sealed on arrival to the receiving
unit's key (app.feedback.unit_keys) and its clear columns stay empty; its photos, which may show the
person, are sealed to the same key (app.feedback.sealed_photos): the database, its backups and the
exports hold only ciphertext. The handler opens them with the unit's private key, which is used in
memory for one response and never kept. A complaint's identity stays in clear but is shown only on
request, to the assigned handler and the unit's leader. Every showing and every opening is an internal
event and an audit entry naming who and why. The address for notifications is not part of this: it is
kept apart, encrypted with DATA_ENCRYPTION_KEY (app.feedback.notifications).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.extensions import db
from app.feedback import sealed_photos, sealing
from app.feedback.events import apply_action
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.models import Feedback, FeedbackPhoto
from app.feedback.sealing import Identity, KeyUnreadable, WrongKey
from app.feedback.unit_keys import key_by_fingerprint, sealing_key_for
from app.ledger.chain import record

SEALED_KINDS = frozenset({"denunciation"})
# Kinds whose identity is shown only on request, each showing recorded.
AUDITED_KINDS = frozenset({"complaint", "denunciation"})
CLEAR_COLUMNS = {
    "name": "submitter_name",
    "address": "submitter_address",
    "phone": "submitter_phone",
    "email": "submitter_email",
    "id_number": "submitter_id_number",
}


class IdentityError(ValueError):
    """The identity cannot be opened with what was given; `message` says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Revealed:
    """What one showing gives the handler: the identity, and the sealed photos opened in memory."""

    identity: Identity
    photos: tuple = ()  # sealed_photos.OpenedPhoto, in the item's order


def is_sealed(item):
    return bool(item.sealed_identity)


def has_sealed_photos(item):
    return any(photo.is_sealed for photo in item.photos)


def needs_key(item):
    """Whether showing the item's sender takes the unit's key: its identity or its photos are sealed."""
    return is_sealed(item) or has_sealed_photos(item)


def sealed_fingerprint(item):
    """The fingerprint of the key that opens the item: its identity's, else its first sealed photo's."""
    if item.sealed_key_fingerprint:
        return item.sealed_key_fingerprint
    return next((photo.sealed_key_fingerprint for photo in item.photos if photo.is_sealed), None)


def photo_key(item):
    """The UnitKey that seals the item's photos: its identity's key for a denunciation, else None (kept as images)."""
    if item.kind not in SEALED_KINDS:
        return None
    return key_by_fingerprint(item.sealed_key_fingerprint) or sealing_key_for(item.unit)


def is_audited(item):
    """Whether showing the item's identity is a recorded act (complaints, denunciations)."""
    return item.kind in AUDITED_KINDS


def columns_on_arrival(kind, unit, identity, keys=None):
    """The item's identity columns: a denunciation's sealed (clear ones empty), others' in clear.

    The CCCD is kept only for the kinds whose identity the law requires. `keys` (unit id -> key) saves
    looking the same unit's key up again in bulk.
    """
    known = FEEDBACK_KINDS.get(kind)
    if known is None or not known.is_identity_required:
        identity = Identity(identity.name, identity.address, identity.phone, identity.email, "")
    columns = {column: getattr(identity, field) or "" for field, column in CLEAR_COLUMNS.items()}
    columns.update(sealed_identity=None, sealed_key_fingerprint=None)
    if kind in SEALED_KINDS and not identity.is_empty:
        key = keys.get(unit.id) if keys is not None else None
        if key is None:
            key = sealing_key_for(unit)
            if keys is not None:
                keys[unit.id] = key
        columns = {column: "" for column in CLEAR_COLUMNS.values()}
        columns.update(sealed_identity=sealing.seal(identity, key.public_key), sealed_key_fingerprint=key.fingerprint)
    return columns


def clear_identity(item):
    """The identity kept in clear (every kind but a sealed denunciation)."""
    return Identity(**{field: getattr(item, column) or "" for field, column in CLEAR_COLUMNS.items()})


def _key_owner(fingerprint):
    key = key_by_fingerprint(fingerprint)
    if key is None:
        return _("một khóa không còn đăng ký"), sealing.short_fingerprint(fingerprint)
    return key.unit.name, sealing.short_fingerprint(fingerprint)


def wrong_key_message(item, private_key):
    """Why this key does not open the item: whose key it needs, and whose key was given."""
    needed_unit, needed = _key_owner(sealed_fingerprint(item))
    given_fingerprint = sealing.fingerprint(sealing.public_key_of(private_key))
    given_key = key_by_fingerprint(given_fingerprint)
    given = sealing.short_fingerprint(given_fingerprint)
    if given_key is not None:
        given = f"{given} ({given_key.unit.name})"
    return _(
        "Khóa này không mở được danh tính của hồ sơ %(code)s. Hồ sơ được niêm phong bằng khóa của %(unit)s "
        "(dấu vân tay %(needed)s); khóa bạn đưa có dấu vân tay %(given)s. Hãy dùng đúng tệp khóa của đơn vị; "
        "nếu đơn vị đã đổi khóa, hồ sơ cũ vẫn mở bằng khóa cũ.",
        code=item.tracking_code,
        unit=needed_unit,
        needed=needed,
        given=given,
    )


def read_key(data):
    """A private key from a key file, a pasted key or a QR code's text; IdentityError if it is none."""
    try:
        return sealing.read_private_key(data)
    except KeyUnreadable as error:
        raise IdentityError(
            _(
                "Không đọc được khóa bí mật: hãy chọn tệp khóa (.key) do lệnh identity keygen tạo ra, hoặc dán "
                "dòng bắt đầu bằng CONGKHAI-SECRET-KEY-1: (nội dung mã QR in trên giấy)."
            )
        ) from error


def open_identity(item, private_key):
    """The sealed identity, opened with the key in memory; IdentityError for a wrong key."""
    try:
        return sealing.open_sealed(item.sealed_identity, private_key)
    except WrongKey as error:
        raise IdentityError(wrong_key_message(item, private_key)) from error


def open_photos(item, private_key):
    """The item's sealed photos, opened in memory with the key; IdentityError for a wrong key."""
    try:
        return tuple(sealed_photos.open_photos(item.photos, private_key))
    except WrongKey as error:
        raise IdentityError(wrong_key_message(item, private_key)) from error


def record_view(item, actor, reason, by=None, fingerprint=None, photos=0, in_browser=False):
    """The internal event and audit entry of one showing: who (a user, or "cli"), why, which key, how many
    photos, and whether it was opened in the handler's browser (the server handed over the sealed boxes)."""
    data = {"identity_viewed": True, "reason": reason}
    if by:
        data["by"] = by
    if in_browser:
        data["opened_in"] = "browser"
    if fingerprint:
        data["key"] = fingerprint
    if photos:
        data["photos"] = photos
    return apply_action(item, "note", actor, body=reason, is_public=False, data=data)


@dataclass(frozen=True)
class SealedParts:
    """What a handler's browser needs to open an item with the unit's key it holds (the server never has it)."""

    identity: str | None  # the sealed box (base64), or None when the identity is kept in clear
    clear: Identity | None  # the identity kept in clear (an item sealed before its photos only), or None
    fingerprint: str | None  # the key that opens it
    photos: tuple = ()  # sealed_photos.SealedPhoto: the stored boxes, in the item's order


def hand_over_sealed(item, reason, actor=None):
    """The item's sealed identity and photos as stored, for the handler's browser to open; recorded as a
    showing (who, why, which key, how many photos, "opened in the browser"). IdentityError without a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise IdentityError(_("Vui lòng ghi lý do xem danh tính; lý do được ghi vào nhật ký kiểm tra."))
    photos = tuple(sealed_photos.sealed_boxes(item.photos))
    fingerprint = sealed_fingerprint(item)
    record_view(item, actor, reason, fingerprint=fingerprint, photos=len(photos), in_browser=True)
    sealed = is_sealed(item)
    return SealedParts(
        identity=item.sealed_identity if sealed else None,
        clear=None if sealed else clear_identity(item),
        fingerprint=fingerprint,
        photos=photos,
    )


def reveal(item, reason, actor=None, key_data=None, by=None, with_photos=True):
    """Show the sender to a handler: open the identity (and sealed photos) with the key, or read it; record it.

    Return a Revealed. `key_data` (a key file's bytes or pasted text) is read in memory and dropped with
    this call; so are the photos opened with it. `with_photos=False` leaves the photos sealed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise IdentityError(_("Vui lòng ghi lý do xem danh tính; lý do được ghi vào nhật ký kiểm tra."))
    photos = ()
    if needs_key(item):
        if not key_data:
            raise IdentityError(_("Danh tính đã được niêm phong: hãy chọn tệp khóa bí mật của đơn vị hoặc dán khóa."))
        private_key = read_key(key_data)
        identity = open_identity(item, private_key) if is_sealed(item) else clear_identity(item)
        if with_photos:
            photos = open_photos(item, private_key)
    else:
        identity = clear_identity(item)
    record_view(item, actor, reason, by=by, fingerprint=sealed_fingerprint(item), photos=len(photos))
    return Revealed(identity, photos)


def seal_clear_denunciations():
    """Seal every denunciation still holding its identity or photos in clear (from before sealing).

    The photos' clear files are removed once the caller commits. Return (items sealed, photos sealed).
    """
    clear_photo = (
        select(FeedbackPhoto.id)
        .where(FeedbackPhoto.feedback_id == Feedback.id, FeedbackPhoto.sealed_key_fingerprint.is_(None))
        .exists()
    )
    items = db.session.scalars(
        select(Feedback).where(Feedback.kind.in_(SEALED_KINDS), or_(Feedback.sealed_identity.is_(None), clear_photo))
    ).all()
    sealed = photos = 0
    for item in items:
        identity = clear_identity(item)
        has_clear_identity = not is_sealed(item) and not identity.is_empty
        if has_clear_identity:
            for column, value in columns_on_arrival(item.kind, item.unit, identity).items():
                setattr(item, column, value)
        item_photos = 0
        if any(not photo.is_sealed for photo in item.photos):
            item_photos = sealed_photos.seal_clear(db.session, item.photos, photo_key(item))
        if not has_clear_identity and not item_photos:
            continue
        db.session.flush()
        fingerprint = sealed_fingerprint(item)
        data = {"key": fingerprint, "photos": item_photos} if item_photos else {"key": fingerprint}
        record("identity.sealed", item, f"{item.tracking_code}: {sealing.short_fingerprint(fingerprint)}", data)
        sealed += 1
        photos += item_photos
    return sealed, photos


def seal_rows(rows, units):
    """Bulk rows (the demo's) as they would arrive: each row's identity columns set by `columns_on_arrival`.

    `units` maps unit ids to units.
    """
    sealed, keys = [], {}
    for row in rows:
        identity = Identity(**{field: row.get(column) or "" for field, column in CLEAR_COLUMNS.items()})
        sealed.append({**row, **columns_on_arrival(row["kind"], units[row["unit_id"]], identity, keys)})
    return sealed
