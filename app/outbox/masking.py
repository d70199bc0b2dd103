"""Show that an address exists without revealing it: `t***@example.vn`, `+84 9** *** 845`."""

import re

import phonenumbers
from phonenumbers import NumberParseException

_LONG_NUMBER = re.compile(r"\+?\d[\d .-]{5,}\d")


def mask_email(address):
    """Keep the first letter and the domain: `tran.thi.b@example.vn` → `t***@example.vn`."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(number):
    """Keep the country code, the first digit and the last three: `+84912345845` → `+84 9** *** 845`."""
    text = (number or "").strip()
    try:
        parsed = phonenumbers.parse(text, "VN")
        country, national = str(parsed.country_code), phonenumbers.national_significant_number(parsed)
    except NumberParseException:
        country, national = "", re.sub(r"\D", "", text)
    if len(national) < 5:
        return f"+{country} ***" if country else "***"
    digits = national[0] + "*" * (len(national) - 4) + national[-3:]
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
    masked = " ".join(groups)
    return f"+{country} {masked}" if country else masked


def mask_recipient(recipient):
    """Mask an e-mail address or a phone number, whichever `recipient` is."""
    return mask_email(recipient) if "@" in (recipient or "") else mask_phone(recipient)


def redact_numbers(text):
    """Replace every long run of digits (a phone number a gateway echoed) in an error text."""
    return _LONG_NUMBER.sub("[number]", text or "")
