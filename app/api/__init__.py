"""JSON API v1 (layer: api, above every domain): the same data and rules as the pages."""

from flask import Blueprint, request

from app.errors import error_response
from app.notices.queries import FilterError

blueprint = Blueprint("api", __name__)

PUBLIC_MAX_AGE = 60  # seconds: lists change as notices are published


@blueprint.errorhandler(FilterError)
def handle_filter_error(error):
    """A bad query parameter: 400 with the field and what to fix, in Vietnamese."""
    message = str(error.message)
    return error_response(400, message, errors={error.field: message})


@blueprint.after_request
def add_public_headers(response):
    """Public data: any site may read it (CORS), and successful GETs may be cached briefly."""
    if request.method in ("GET", "HEAD"):
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        if response.status_code == 200 and "Cache-Control" not in response.headers:
            response.cache_control.public = True
            response.cache_control.max_age = PUBLIC_MAX_AGE
    return response
