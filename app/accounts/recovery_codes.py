"""Recovery codes: ten one-time codes that stand in for the authenticator when the phone is lost.

Each code is 16 characters from a 31-letter alphabet nobody misreads off paper (no 0/o, 1/l/i): about
79 random bits. Only its SHA-256 is stored. A slow hash (Argon2, as for passwords) protects what people
choose, which is guessable; a random 79-bit code cannot be guessed from its SHA-256 even offline
(10 codes: 2^76 tries on average), and checking a typed code stays one indexed lookup, not ten Argon2 runs.
"""

import hashlib
import secrets

from sqlalchemy import delete, func, select, update

from app import clock
from app.accounts.models import RecoveryCode
from app.extensions import db

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = 4
GROUP_LENGTH = 4
CODE_COUNT = 10


def normalise(text):
    """A typed code without spaces or dashes, lower-cased; None if it cannot be a recovery code."""
    letters = "".join(character for character in (text or "").lower() if character not in " -\t")
    if len(letters) != GROUPS * GROUP_LENGTH or not set(letters) <= set(ALPHABET):
        return None
    return letters


def _hash(letters):
    return hashlib.sha256(letters.encode("ascii")).hexdigest()


def _new_code():
    letters = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(letters[index : index + GROUP_LENGTH] for index in range(0, len(letters), GROUP_LENGTH))


def delete_recovery_codes(user):
    """Remove every recovery code of `user`, used or not."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def issue_recovery_codes(user):
    """Replace the user's recovery codes with ten new ones; return them (shown once, never stored)."""
    delete_recovery_codes(user)
    codes = [_new_code() for _ in range(CODE_COUNT)]
    now = clock.utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash(normalise(code)), created_at=now) for code in codes
    )
    db.session.flush()
    return codes


def use_recovery_code(user, text):
    """Spend one unused recovery code of `user`; return whether `text` was one."""
    letters = normalise(text)
    if letters is None:
        return False
    # One conditional UPDATE: two requests with the same code cannot both spend it.
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(letters),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def codes_left(user):
    """How many recovery codes of `user` are still unused."""
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
