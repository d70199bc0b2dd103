"""Notices: public pages, officials' management, QR codes and posters."""

from flask import Blueprint

blueprint = Blueprint("notices", __name__)
