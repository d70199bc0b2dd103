"""Citizens' photos: check what they are by content, re-encode them without metadata, store them.

A phone photo carries the place it was taken (EXIF GPS), the phone's model and often the
owner's name. None of that may reach the commune's disk: every photo is decoded and written
again from its pixels only (turned upright first, at most 2048 px on its longest side), so
nothing of the original file survives but the picture.
"""

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageCms, ImageOps

MAX_PHOTOS = 3
MAX_SIDE = 2048  # pixels, longest side after re-encoding
# A decoded photo above this many pixels is refused before it fills the memory (a 200 MP phone
# photo is 200,000,000; a small file may also claim a huge canvas).
MAX_PIXELS = 120_000_000
DEFAULT_MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_FOLDER = "feedback"

# media type -> (Pillow format, stored extension)
FORMATS = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/webp": ("WEBP", "webp"),
}
_SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class RejectedPhoto(ValueError):
    """The upload is not a photo we accept: empty, too large, another type, or damaged."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "empty", "too_large", "type", "too_many_pixels", "damaged"


@dataclass(frozen=True)
class CleanPhoto:
    """A photo re-encoded in memory, ready to be written; nothing of the original file is left."""

    data: bytes
    media_type: str
    extension: str
    width: int
    height: int

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def max_photo_bytes():
    """The largest photo file accepted, in bytes (config MAX_PHOTO_BYTES, default 8 MB)."""
    return int(current_app.config.get("MAX_PHOTO_BYTES", DEFAULT_MAX_PHOTO_BYTES))


def sniff_photo_type(data):
    """Return the media type of JPEG, PNG or WebP bytes by their signature, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _to_srgb(image):
    # Phones tag photos with wide-gamut profiles (Display P3); convert before the profile is dropped,
    # so colours stay right without it. A profile that cannot be read is simply ignored.
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _encodable(image, pillow_format):
    """Convert to a mode the output format stores plainly (RGB, RGBA or L)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if pillow_format == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if has_alpha:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if pillow_format == "PNG" and image.mode == "L":
        return image
    return image if image.mode == "RGB" else image.convert("RGB")


def _decode(data, pillow_format):
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=[pillow_format])
        if image.width * image.height > MAX_PIXELS:
            raise RejectedPhoto("too_many_pixels")
        if pillow_format == "JPEG":
            # Decode a large JPEG at a reduced scale directly: less memory, same result after resizing.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
    return image


def clean_photo(data, limit=None):
    """Check `data` and return it re-encoded as a CleanPhoto, or raise RejectedPhoto.

    Nothing is written anywhere: a submission with a bad photo is refused before it is stored.
    """
    limit = max_photo_bytes() if limit is None else limit
    if not data:
        raise RejectedPhoto("empty")
    if len(data) > limit:
        raise RejectedPhoto("too_large")
    media_type = sniff_photo_type(data)
    if media_type is None:
        raise RejectedPhoto("type")
    pillow_format, extension = FORMATS[media_type]
    try:
        image = _decode(data, pillow_format)
        image = ImageOps.exif_transpose(image)
        image = _encodable(_to_srgb(image), pillow_format)
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        # Whatever Pillow kept from the original (EXIF, GPS, XMP, ICC, text chunks) stays behind.
        image.info = {}
        output = io.BytesIO()
        image.save(output, pillow_format, **_SAVE_OPTIONS[pillow_format])
    except RejectedPhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise RejectedPhoto("too_many_pixels") from error
    except Exception as error:  # a damaged file can make a decoder raise almost anything
        raise RejectedPhoto("damaged") from error
    return CleanPhoto(output.getvalue(), media_type, extension, image.width, image.height)


def photo_directory():
    """The folder of citizens' photos, inside NOTICES_DIR."""
    return Path(current_app.config["NOTICES_DIR"]) / PHOTO_FOLDER


def store_photo_bytes(data, extension):
    """Write `data` under a random name ending in `extension` and return that name (OSError if the disk refuses).

    A denunciation's photo arrives here already sealed (app.feedback.sealed_photos): even the
    temporary file holds only the sealed box.
    """
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    directory = photo_directory()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{stored_name}.part"
    try:
        temporary.write_bytes(data)
        temporary.replace(directory / stored_name)
    finally:
        temporary.unlink(missing_ok=True)
    return stored_name


def photo_path(stored_name):
    """The path of a stored photo."""
    return photo_directory() / stored_name


def discard_photo(stored_name):
    """Remove a stored photo (after a failed transaction); a missing file is fine."""
    try:
        photo_path(stored_name).unlink(missing_ok=True)
    except OSError:
        current_app.logger.warning("Could not remove photo %s", stored_name)
