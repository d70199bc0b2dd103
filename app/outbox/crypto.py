"""Personal data at rest: Fernet with DATA_ENCRYPTION_KEY (comma-separated keys: the first encrypts)."""

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class KeyMissing(RuntimeError):
    """DATA_ENCRYPTION_KEY is not set."""


def _fernet():
    keys = [key.strip() for key in (current_app.config.get("DATA_ENCRYPTION_KEY") or "").split(",") if key.strip()]
    if not keys:
        raise KeyMissing("DATA_ENCRYPTION_KEY is not set")
    return MultiFernet([Fernet(key) for key in keys])


def seal(text):
    """Encrypt a string; None and "" stay None."""
    if not text:
        return None
    return _fernet().encrypt(text.encode()).decode("ascii")


def unseal(token):
    """Decrypt what `seal` made (None stays None); raise InvalidToken for a foreign or damaged token."""
    if not token:
        return None
    return _fernet().decrypt(token.encode("ascii")).decode()


def seal_json(value):
    return seal(json.dumps(value, ensure_ascii=False)) if value else None


def unseal_json(token):
    text = unseal(token)
    return json.loads(text) if text else {}


__all__ = ["InvalidToken", "KeyMissing", "seal", "seal_json", "unseal", "unseal_json"]
