"""Tracking codes: random, easy to read aloud, and forgiving of how people type them back.

A code is the kind's two-letter prefix and twelve random characters in three groups of four,
e.g. ``PA-7K4Q-M2XD-9WTR``. The characters leave out 0/O, 1/I/L so that a code read over the
phone or copied from a screenshot cannot be mistaken for another.
"""

import math
import re
import secrets

from app.feedback.kinds import FEEDBACK_KINDS

# Digits 2–9 and A–Z without I, L, O: 31 characters nobody confuses with each other.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 3
GROUP_LENGTH = 4
RANDOM_LENGTH = GROUPS * GROUP_LENGTH
RANDOM_BITS = RANDOM_LENGTH * math.log2(len(ALPHABET))  # ≈ 59.4 bits
MAX_ATTEMPTS = 8

_PREFIXES = frozenset(kind.code_prefix for kind in FEEDBACK_KINDS.values())
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.·/]+")


class TrackingCodeExhausted(RuntimeError):
    """Every attempt collided with an existing code (practically impossible: 2^-59 each)."""


def format_code(prefix, characters):
    """Group a prefix and twelve characters as PA-7K4Q-M2XD-9WTR."""
    groups = [characters[start : start + GROUP_LENGTH] for start in range(0, RANDOM_LENGTH, GROUP_LENGTH)]
    return "-".join([prefix, *groups])


def random_code(kind):
    """Return a fresh code for a kind (not checked against the database)."""
    characters = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_code(FEEDBACK_KINDS[kind].code_prefix, characters)


def new_tracking_code(kind, is_taken):
    """Return a code for `kind` that `is_taken(code)` says is free, retrying on a collision."""
    for _attempt in range(MAX_ATTEMPTS):
        code = random_code(kind)
        if not is_taken(code):
            return code
    raise TrackingCodeExhausted(kind)


def normalise_code(text):
    """Return the canonical form of a code as a person typed it, or None if it cannot be one.

    Accepts lower case, spaces or dashes anywhere, and missing dashes: " pa 7k4q m2xd9wtr " is
    PA-7K4Q-M2XD-9WTR. Anything else (wrong length, unknown prefix, a character outside the
    alphabet) is not a code.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = _SEPARATORS.sub("", text).upper()
    if not compact.isascii() or len(compact) != 2 + RANDOM_LENGTH:
        return None
    prefix, characters = compact[:2], compact[2:]
    if prefix not in _PREFIXES or any(character not in ALPHABET for character in characters):
        return None
    return format_code(prefix, characters)
