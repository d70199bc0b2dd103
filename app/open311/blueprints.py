"""The Open311 routes (/open311/v2) and the API keys admin page (/manage/admin/apikeys)."""

from flask import Blueprint

blueprint = Blueprint("open311", __name__, url_prefix="/open311/v2")
admin_blueprint = Blueprint("open311_admin", __name__)
