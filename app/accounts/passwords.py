"""Password hashes: Argon2id for every new hash; older werkzeug hashes still verify until upgraded."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash

# OWASP's first Argon2id setting (19 MiB, 2 passes, 1 lane): about 60 ms here, a quarter of the
# scrypt hashes it replaces. A stored hash made with other parameters is upgraded at the next sign-in.
# Only the test configuration chooses others (ARGON2_PARAMETERS: the same algorithm, cheaper), never the
# environment.
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_ARGON2_PREFIX = "$argon2"
_WERKZEUG_METHODS = ("scrypt:", "pbkdf2:")


@cache
def _hasher_with(time_cost, memory_cost, parallelism):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _hasher():
    parameters = current_app.config.get("ARGON2_PARAMETERS") if has_app_context() else None
    return _hasher_with(**(parameters or ARGON2_PARAMETERS))


def hash_password(password):
    """Return an Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(stored_hash, password):
    """Return True if the password matches the stored hash; unknown or damaged hashes match nothing."""
    stored_hash = stored_hash or ""
    if stored_hash.startswith(_ARGON2_PREFIX):
        try:
            return _hasher().verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    if stored_hash.startswith(_WERKZEUG_METHODS):
        try:
            return check_password_hash(stored_hash, password)
        except ValueError:
            return False
    return False


def needs_rehash(stored_hash):
    """Whether a hash that just verified should be replaced by an Argon2id hash with today's parameters."""
    if not (stored_hash or "").startswith(_ARGON2_PREFIX):
        return True
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(hasher):
    return hasher.hash("no user has this password, it only spends the time of a check")


def spend_a_check(password):
    """Verify against a dummy hash: an unknown username then answers as slowly as a wrong password."""
    verify_password(_dummy_hash(_hasher()), password)
