"""Who gave an opinion, kept so that nobody outside the unit's staff can read it.

A phone is found again by a keyed hash (HMAC-SHA256 with the app's SECRET_KEY, as followers' e-mails),
and kept encrypted (outbox.crypto, DATA_ENCRYPTION_KEY) for the unit's staff; a name only encrypted.
The client's IP address is kept as a keyed hash, to count the codes it asked for.
"""

import hashlib
import hmac
import secrets

import phonenumbers
from flask import current_app
from phonenumbers import NumberParseException, PhoneNumberType

from app.outbox.crypto import seal, unseal

CODE_DIGITS = 6
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class NotAMobile(ValueError):
    """The text is not a Vietnamese mobile number (an SMS could not reach it)."""


def mobile_e164(text):
    """A Vietnamese mobile number written any common way, as E.164 (+849…), or NotAMobile."""
    text = (text or "").strip()
    if not text or len(text) > 30:
        raise NotAMobile(text)
    try:
        number = phonenumbers.parse(text, "VN")
    except NumberParseException as error:
        raise NotAMobile(text) from error
    if (
        number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise NotAMobile(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _keyed(purpose, value):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"consultation-{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def phone_hash(e164):
    """The keyed hash that finds a phone's opinion again (E.164 in)."""
    return _keyed("phone", e164)


def address_hash(address):
    return _keyed("address", address or "unknown")


def new_code():
    """Six random digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(consultation_id, phone_digest, code):
    """The keyed hash of a code, bound to its consultation and phone."""
    return _keyed("code", f"{consultation_id}:{phone_digest}:{code}")


def seal_text(text):
    return seal(text) if text else None


def unseal_text(token):
    """The decrypted text, or "" (also when the key changed and the token no longer opens)."""
    try:
        return unseal(token) or ""
    except Exception:  # an undecryptable token must not break a staff page
        return ""
