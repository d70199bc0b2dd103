"""QR codes of notices' short URLs: pure functions from text to PNG or SVG bytes.

Error correction Q (about 25% of the symbol may be lost): a poster on an outdoor board
gets rained on, faded and pinned through, and Q still keeps the code small for a short URL.
"""

import hashlib
import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.image.svg import SvgPathFillImage

ERROR_CORRECTION = ERROR_CORRECT_Q
QUIET_ZONE_MODULES = 4  # the border the QR specification requires around the symbol
MIN_PNG_WIDTH = 600  # pixels: sharp when printed 6 cm wide or more
CACHE_SIZE = 1024
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def qr_matrix(text):
    """Return the module matrix of `text` (True is dark), quiet zone included."""
    return _build(text).get_matrix()


def module_count(text):
    """Return the width of the symbol in modules, quiet zone included."""
    return _build(text).modules_count + 2 * QUIET_ZONE_MODULES


def png_box_size(text):
    """Return the pixels per module that make the PNG at least MIN_PNG_WIDTH wide."""
    modules = module_count(text)
    return -(-MIN_PNG_WIDTH // modules)  # ceiling division


@lru_cache(maxsize=CACHE_SIZE)
def qr_png_bytes(text):
    """Return a 1-bit PNG of the QR code of `text`, at least MIN_PNG_WIDTH pixels wide."""
    code = _build(text, box_size=png_box_size(text))
    image = code.make_image(fill_color="black", back_color="white").get_image()
    if image.mode != "1":
        image = image.convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@lru_cache(maxsize=CACHE_SIZE)
def qr_svg_bytes(text):
    """Return an SVG (one path on a white background) of the QR code of `text`.

    One user unit of the viewBox is one module, so the viewBox is the module count
    with the quiet zone.
    """
    code = _build(text, box_size=10, image_factory=SvgPathFillImage)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


def qr_bytes(text, image_format):
    """Return the QR code of `text` in `image_format` ("png" or "svg")."""
    if image_format == "png":
        return qr_png_bytes(text)
    if image_format == "svg":
        return qr_svg_bytes(text)
    raise ValueError(f"unknown QR image format {image_format!r}")


def qr_etag(text, image_format):
    """Return a strong ETag for the image: it changes whenever the encoded content would."""
    size = png_box_size(text) if image_format == "png" else 10
    parts = f"v1|{ERROR_CORRECTION}|{QUIET_ZONE_MODULES}|{image_format}|{size}|{text}"
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=CACHE_SIZE)
def _fitted_version(text):
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE_MODULES)
    code.add_data(text)
    code.make(fit=True)
    return code.version


def _build(text, box_size=1, image_factory=None):
    code = qrcode.QRCode(
        version=_fitted_version(text),
        error_correction=ERROR_CORRECTION,
        box_size=box_size,
        border=QUIET_ZONE_MODULES,
        image_factory=image_factory,
    )
    code.add_data(text)
    code.make(fit=False)
    return code
