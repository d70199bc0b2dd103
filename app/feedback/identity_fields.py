"""The sender's identity on the citizen's form: what each kind requires, and the CCCD number.

A citizen identity card (căn cước công dân) number has 12 digits: the province where the birth was
registered (3, Circular 59/2021/TT-BCA), the century and sex (1), the year of birth (2), then 6 more.
"""

import re

from flask_babel import gettext as _

from app.clock import local_today

# Law on Complaints 2011 Art. 8 and Law on Denunciations 2018 Art. 23 ask for the address too.
ADDRESS_REQUIRED_KINDS = frozenset({"complaint", "denunciation"})
# The province codes of CCCD numbers (Circular 59/2021/TT-BCA, appendix I).
CCCD_PROVINCES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split()
)
_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_id_number(text):
    """ "001 099 012 345" -> "001099012345" (spaces, dots and dashes people type are dropped)."""
    return _SEPARATORS.sub("", text or "")


def id_number_problem(text, today=None):
    """Why `text` is not a CCCD number (a Vietnamese sentence), or None."""
    number = normalise_id_number(text)
    if not (len(number) == 12 and number.isascii() and number.isdigit()):
        return _("Số CCCD gồm đúng 12 chữ số, ví dụ 001099012345; hãy kiểm tra lại trên thẻ căn cước.")
    if number[:3] not in CCCD_PROVINCES:
        return _("Số CCCD không hợp lệ: 3 số đầu (%(code)s) không phải mã tỉnh, thành phố nào.", code=number[:3])
    century = 1900 + 100 * (int(number[3]) // 2)
    year = century + int(number[4:6])
    if year > (today or local_today()).year:
        return _("Số CCCD không hợp lệ: số thứ 4 đến thứ 6 cho năm sinh %(year)s, sau năm nay.", year=year)
    return None


def check_identity(form, kind):
    """Add an error to each identity field `kind` requires and the form lacks; return whether all are there."""
    ok = True
    hint = ""
    if kind.identifier == "denunciation":
        hint = _("Nếu không muốn ghi danh, hãy chọn “Phản ánh, kiến nghị”.")
    if not form.name.data:
        message = _("%(kind)s cần ghi họ và tên người gửi.", kind=kind.label)
        form.name.errors.append(f"{message} {hint}".strip())
        ok = False
    if kind.identifier in ADDRESS_REQUIRED_KINDS and not form.address.data:
        message = _("%(kind)s cần ghi địa chỉ để xã gửi văn bản trả lời.", kind=kind.label)
        form.address.errors.append(f"{message} {hint}".strip())
        ok = False
    if not form.phone.data and not form.email.data:
        form.phone.errors.append(
            _(
                "%(kind)s cần số điện thoại hoặc email để xã liên hệ; hãy nhập ít nhất một trong hai.",
                kind=kind.label,
            )
        )
        ok = False
    return ok
