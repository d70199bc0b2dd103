"""Making, finding and revoking API keys. Services flush; the caller commits.

A key's text is shown once, when it is made; only its SHA-256 is stored, so a lost key is revoked and
replaced, never recovered.
"""

import hashlib
import re
import secrets

from sqlalchemy import select

from app.accounts.models import AdministrativeUnit
from app.clock import utcnow
from app.extensions import db
from app.ledger.chain import record
from app.open311.models import ApiKey

KEY_PREFIX = "ck311_"
MAX_KEY_LENGTH = 128
NAME_PATTERN = re.compile(r"^[\w .\-()]{1,80}$")


class KeyProblem(ValueError):
    """A key cannot be made or revoked; the message says why (Vietnamese)."""


def key_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_key(text):
    """The active key whose text this is, or None (a missing, malformed, unknown or revoked key alike)."""
    if not text or len(text) > MAX_KEY_LENGTH or not text.isascii():
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(text)))
    return key if key is not None and key.is_active else None


def create_key(name, unit_code=None, actor=None):
    """Make a key; return (ApiKey, its text). Raise KeyProblem for a bad or taken name or an unknown unit."""
    name = (name or "").strip()
    if not NAME_PATTERN.match(name):
        raise KeyProblem("Tên khóa gồm 1–80 ký tự chữ, số, khoảng trắng và . - _ ( ).")
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise KeyProblem(f"Đã có khóa tên “{name}”.")
    unit = None
    if unit_code:
        unit = AdministrativeUnit.by_code(unit_code.strip())
        if unit is None:
            raise KeyProblem(f"Không có đơn vị mã “{unit_code.strip()[:20]}”.")
    text = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, key_hash=key_hash(text), unit=unit, created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    record("apikey.created", key, f"Khóa API {name}", {"name": name, "unit": unit.code if unit else None}, actor)
    return key, text


def revoke_key(name, actor=None):
    """Revoke the key named `name`; raise KeyProblem if there is none or it is revoked already."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == (name or "").strip()))
    if key is None:
        raise KeyProblem(f"Không có khóa tên “{(name or '').strip()[:80]}”.")
    if not key.is_active:
        raise KeyProblem(f"Khóa “{key.name}” đã bị thu hồi trước đó.")
    key.revoked_at = utcnow()
    db.session.flush()
    record("apikey.revoked", key, f"Thu hồi khóa API {key.name}", {"name": key.name}, actor)
    return key


def list_keys():
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.name)))
