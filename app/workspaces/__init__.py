"""Staff homes (layer: inspection, beside app/inspection and importing neither way): where each role's work starts.

`/manage` sends every signed-in user to their role's home (homes.py); the leader's overview of the commune
(overview.py) and the administrators' page with the unit tree (unit_tree.py) live here, because they read
the queue and the notices together.
"""

from flask import Blueprint

blueprint = Blueprint("workspaces", __name__)
