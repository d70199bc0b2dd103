"""The password policy for every new or changed password: long, not common, not the username."""

from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def common_passwords():
    """Return the shipped list of common passwords, lower-cased, read once per process."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip() and not line.lstrip().startswith("#"))


def password_problems(password, username=""):
    """Return what is wrong with a proposed password (Vietnamese sentences); an empty list if nothing."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Mật khẩu phải có ít nhất %(min)s ký tự.", min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Mật khẩu tối đa %(max)s ký tự.", max=MAX_LENGTH))
    if password.strip().lower() in common_passwords():
        problems.append(
            _("Mật khẩu này nằm trong danh sách mật khẩu phổ biến, rất dễ bị đoán. Vui lòng chọn mật khẩu khác.")
        )
    username = (username or "").strip().lower()
    if username and username in password.lower():
        problems.append(_("Mật khẩu không được chứa tên đăng nhập."))
    return problems
