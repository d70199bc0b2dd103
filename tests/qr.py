"""Reading QR codes back in tests, as a phone's camera app does: it looks for QR codes only.

zxing-cpp looks for every format by default, and a QR code's modules now and then also read as a short
ITF (interleaved 2 of 5) barcode: about 3 screenshots in 100 of a random TOTP enrolment code did. A
phone asked to scan a QR code never sees that, so neither do the tests."""

import io

import zxingcpp
from PIL import Image


def read_qr_codes(image):
    """Every QR code found in `image` (PNG bytes, a path or a PIL image)."""
    if isinstance(image, bytes):
        image = io.BytesIO(image)
    if not isinstance(image, Image.Image):
        image = Image.open(image)
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
