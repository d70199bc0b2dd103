"""Consultations, "Dân bàn" (layer: beside feedback and search, above notices).

An official puts a question to citizens on a notice (choices, an opinion period whose end is the
notice's `opinion_end`, the villages taking part); citizens answer without an account, their phone
confirmed by a one-time code sent through the outbox; officials moderate the comments, publish the
result (tallies frozen and sealed in the audit chain, the commune's answers) and record what a village
decided at a meeting or by ballot. The notice page shows it through `notices.page_parts` (hooks.py).
"""

from flask import Blueprint

blueprint = Blueprint("consultations", __name__)
