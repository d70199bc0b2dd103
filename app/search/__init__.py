"""Search: Vietnamese full-text search over notices, behind a small interface."""

from flask import Blueprint

blueprint = Blueprint("search", __name__)
