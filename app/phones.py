"""Vietnamese phone numbers: validate, store in E.164, show in local format."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType


class InvalidPhoneNumber(ValueError):
    """The text is not a valid Vietnamese phone number."""


_ACCEPTED_TYPES = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE,
}


def to_e164(text):
    """Parse a Vietnamese number written any common way and return it as E.164 (+84…)."""
    try:
        number = phonenumbers.parse((text or "").strip(), "VN")
    except NumberParseException as error:
        raise InvalidPhoneNumber(str(error)) from error
    if (
        number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _ACCEPTED_TYPES
    ):
        raise InvalidPhoneNumber(text)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_local(e164):
    """Format a stored E.164 number the way Vietnamese people write it (0912 345 678)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
