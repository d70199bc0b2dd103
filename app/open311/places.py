"""Which commune or ward an Open311 request names: a unit code, or a unit's name in `address_string`."""

import unicodedata

from sqlalchemy import or_, select

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.feedback.forms import MAX_UNIT_CODE_LENGTH, RECEIVING_UNIT_KINDS


class Ambiguous(ValueError):
    """Several units' names fit the address; the client must send attribute[unit]."""


def receiving_units():
    """The communes, wards and special zones that receive feedback today, by code."""
    today = local_today()
    return list(
        db.session.scalars(
            select(AdministrativeUnit)
            .where(
                AdministrativeUnit.kind.in_(RECEIVING_UNIT_KINDS),
                or_(AdministrativeUnit.valid_from.is_(None), AdministrativeUnit.valid_from <= today),
                or_(AdministrativeUnit.valid_to.is_(None), AdministrativeUnit.valid_to >= today),
            )
            .order_by(AdministrativeUnit.code)
        )
    )


def _fold(text):
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def unit_by_code(code):
    code = (code or "").strip()
    if not code or len(code) > MAX_UNIT_CODE_LENGTH:
        return None
    return AdministrativeUnit.by_code(code)


def unit_from_address(address):
    """The receiving unit whose code or full name ("Xã Đại Sơn") the address holds, or None.

    The longest name found wins ("Phường Bắc Giang" over "Xã Bắc"); two different units with that same
    name raise Ambiguous.
    """
    text = _fold(address)
    if not text:
        return None
    exact = unit_by_code(text)
    if exact is not None:
        return exact
    found = [unit for unit in receiving_units() if _fold(unit.name) in text]
    if not found:
        return None
    longest = max(len(unit.name) for unit in found)
    best = [unit for unit in found if len(unit.name) == longest]
    if len({unit.id for unit in best}) > 1:
        raise Ambiguous(", ".join(f"{unit.name} ({unit.code})" for unit in best))
    return best[0]
