"""Citizens' questions, petitions, complaints, denunciations and information requests."""

from flask import Blueprint

blueprint = Blueprint("feedback", __name__)
