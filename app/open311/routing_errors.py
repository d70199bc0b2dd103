"""The router's refusals under /open311/v2/ (no such path: 404, wrong method: 405) in the spec's error format.

Flask matches the URL before it knows the blueprint, so the blueprint's own error handlers never see
these; app-level handlers do. As app.errors answers /api/ paths in JSON, these answer paths under the
Open311 prefix with [{code, description}] (XML for a ".xml" path, JSON otherwise) and hand every other
path to app.errors' page.
"""

import posixpath

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.errors import error_response
from app.open311.blueprints import blueprint
from app.open311.formats import errors
from app.open311.service_views import not_found

# Methods Flask answers by itself on every route: not worth suggesting to a client.
AUTOMATIC_METHODS = frozenset({"HEAD", "OPTIONS"})


def is_open311_path():
    """Whether this request's path is under the Open311 prefix (/open311/v2)."""
    prefix = blueprint.url_prefix
    return request.path == prefix or request.path.startswith(f"{prefix}/")


def _fmt():
    """The format a path asks for by its suffix ("xml", "json", or another that errors() answers in JSON)."""
    return posixpath.splitext(request.path)[1].removeprefix(".")


def _method_not_allowed(error):
    allowed = [method for method in error.valid_methods or () if method not in AUTOMATIC_METHODS]
    response = errors(
        _fmt(),
        405,
        _(
            "Địa chỉ này không nhận phương thức %(method)s; hãy dùng %(allowed)s.",
            method=request.method,
            allowed=", ".join(allowed),
        ),
    )
    if error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def init_routing_errors(app):
    """Answer a 404 or 405 under /open311/v2/ with the spec's errors body; elsewhere with app.errors' page."""

    @app.errorhandler(NotFound)
    def handle_not_found(error):
        if is_open311_path():
            return not_found(_fmt())
        return error_response(404)

    @app.errorhandler(MethodNotAllowed)
    def handle_method_not_allowed(error):
        if is_open311_path():
            return _method_not_allowed(error)
        return error_response(405)
