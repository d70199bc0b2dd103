"""How the public and the citizen's messages name who acted: the office, never a person."""

from flask_babel import gettext as _

# Words a unit's name starts with, written in lower case after "UBND" ("UBND xã Đại Sơn").
_UNIT_KIND_WORDS = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ", "Tỉnh ", "Thành phố ", "Huyện ", "Quận ")


def office_name(unit):
    """ "UBND xã Đại Sơn": how the public history names who acted (never a person)."""
    if unit is None:
        return ""
    name = unit.name
    for word in _UNIT_KIND_WORDS:
        if name.startswith(word):
            name = name[0].lower() + name[1:]
            break
    return _("UBND %(unit)s", unit=name)
