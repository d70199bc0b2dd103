"""The citizens' queue (layer: beside search, above notices): questions, petitions, complaints,
denunciations and information requests, their statutory deadlines and the officials' actions.
"""

from flask import Blueprint

blueprint = Blueprint("feedback", __name__)
