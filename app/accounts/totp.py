"""Time-based one-time passwords (RFC 6238: 30-second steps, 6 digits) and the QR code that enrols them.

Pure functions: a secret and a moment in, a time step or an image out. A code is accepted for the current
step and one step either side (a phone's clock a little off, a code typed as it changes); the caller
refuses a step it has already accepted, so a code works once.
"""

import base64
import hmac
import io
import re

import pyotp
import qrcode
from qrcode.constants import ERROR_CORRECT_M

STEP_SECONDS = 30
DIGITS = 6
WINDOW_STEPS = 1
CODE_PATTERN = re.compile(r"^[0-9]{6}$")
QR_BOX_PIXELS = 6
QR_QUIET_ZONE_MODULES = 4


def new_secret():
    """Return a new random secret: 32 base32 characters, 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32()


def provisioning_uri(secret, account_name, issuer):
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account_name, issuer_name=issuer
    )


def time_step(moment):
    """The RFC 6238 time step of an aware datetime."""
    return int(moment.timestamp()) // STEP_SECONDS


def clean_code(text):
    """The digits of a code as typed ("123 456" → "123456"); None if it is not six digits."""
    digits = re.sub(r"[\s-]", "", text or "")
    return digits if CODE_PATTERN.match(digits) else None


def matching_step(secret, code, moment):
    """Return the time step, within a step of `moment`'s, whose code is `code`; None if none matches."""
    code = clean_code(code)
    if code is None:
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = time_step(moment)
    matched = None
    # Compare every step of the window, matched or not, so the answer takes the same time either way.
    for step in range(current - WINDOW_STEPS, current + WINDOW_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and matched is None:
            matched = step
    return matched


def grouped(secret):
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_png_data_uri(text):
    """A data: URI of a PNG QR code of `text` (made here: the secret never leaves the server for an image)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=QR_BOX_PIXELS, border=QR_QUIET_ZONE_MODULES)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
