"""Search (layer: beside feedback, above notices): Vietnamese full-text search behind a small interface.

`hooks` connects it to notices.signals.notice_changed and to the after-commit effects at start-up.
"""

from flask import Blueprint

blueprint = Blueprint("search", __name__)
