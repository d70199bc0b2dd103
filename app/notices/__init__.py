"""Notices (layer: notices, above accounts): public pages, officials' management, QR codes and posters.

Higher layers follow notices through `signals` (search) and add to their pages through `page_parts`
(feedback: answered questions; inspection: a unit's figures); this package imports none of them.
"""

from flask import Blueprint

blueprint = Blueprint("notices", __name__)
