"""Compress text responses (HTML, CSS, JSON, SVG) with brotli or gzip when the client accepts it.

Factory level: only create_app registers it. Attachments, posters' PNG/PDF, XLSX and the CSV exports are
left alone: their media types are not listed (a PDF or an XLSX is compressed already, and a streamed CSV
must reach the inspector row by row), so their ETags and range requests stay exactly as the views set them.
"""

from flask_compress import Compress

compress = Compress()

SETTINGS = {
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    ],
    # Brotli first (a third smaller than gzip on our pages), gzip for every other client; no zstd or deflate.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    # Streamed responses of the listed types are static files (CSS, JS, SVG): compressed as they are read.
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    # Brotli 4 costs about what gzip 6 does; higher levels buy little on pages rendered per request.
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}


def init_compression(app):
    """Compress the app's text responses; settings already in the config win."""
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    compress.init_app(app)
