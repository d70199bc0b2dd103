"""Idempotency keys: a submission sent twice (a double click, a client retrying) makes one item.

The page carries a one-time key in a hidden field; an API client sends the `Idempotency-Key` header. The item
keeps the key's hash and a fingerprint of the submission it came with: the same key with the same content is a
repeat (answered with the first item), the same key with other content is refused (`KeyReused`), so that a key
never opens someone else's item (as Stripe and the IETF Idempotency-Key draft do).

The fingerprint is an HMAC-SHA256 of the canonical content keyed by the idempotency key itself: only the key's
hash is stored, so the fingerprint cannot be used to confirm a guess of what someone sent (a denouncer's
sealed identity, say).
"""

import hashlib
import hmac
import json
import secrets

from app.resilience import IDEMPOTENCY_FIELD, IDEMPOTENCY_KEY, idempotency_key_or_none

__all__ = [
    "IDEMPOTENCY_KEY",
    "KeyReused",
    "form_fingerprint",
    "idempotency_key_or_none",
    "json_fingerprint",
    "new_idempotency_key",
]

CSRF_FIELD = "csrf_token"  # new with every page shown: not part of what was submitted
_CHUNK = 64 * 1024


class KeyReused(Exception):
    """The idempotency key came with a different submission before: use a new key."""


def new_idempotency_key():
    """A fresh key for a page that is about to be shown."""
    return secrets.token_urlsafe(18)


def _fingerprint(key, content):
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def json_fingerprint(key, payload):
    """The fingerprint of a JSON submission: its parsed body with sorted keys (None without a key)."""
    if key is None:
        return None
    return _fingerprint(key, {"json": payload})


def _file_digest(upload):
    """SHA-256 of an uploaded file's bytes; the stream is left where it was."""
    stream = upload.stream
    position = stream.tell()
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        digest.update(chunk)
    stream.seek(position)
    return digest.hexdigest()


def form_fingerprint(key, form, files):
    """The fingerprint of a form submission: its fields but the CSRF token and the key, and its files' bytes."""
    if key is None:
        return None
    fields = {name: form.getlist(name) for name in form if name not in (CSRF_FIELD, IDEMPOTENCY_FIELD)}
    uploads = {name: [_file_digest(upload) for upload in files.getlist(name)] for name in files}
    return _fingerprint(key, {"form": fields, "files": uploads})
