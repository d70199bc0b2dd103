"""Open data (layer: api, beside app/api): Atom feeds, sitemaps and the open-data export.

What other systems read without our own JSON: news readers (Atom 1.0), search engines (sitemaps) and
civic-tech volunteers (CSV, JSON Lines and a Frictionless Data Package). Public data only: a citizen's
own words and contact details never reach any of them.
"""

from flask import Blueprint

blueprint = Blueprint("opendata", __name__)
