"""Idempotency keys: a submission sent twice (a double click, a client retrying) makes one item.

The page carries a one-time key in a hidden field; an API client sends the `Idempotency-Key` header.
"""

import re
import secrets

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_\-:.]{8,128}")


def idempotency_key_or_none(value):
    """A well-formed idempotency key, or None (a mangled one only loses the double-click protection)."""
    value = (value or "").strip()
    return value if IDEMPOTENCY_KEY.fullmatch(value) else None


def new_idempotency_key():
    """A fresh key for a page that is about to be shown."""
    return secrets.token_urlsafe(18)
