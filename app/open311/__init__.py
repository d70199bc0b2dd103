"""Open311 GeoReport v2 (layer: api, beside app/api): /open311/v2/ for service portals, hotline desks and apps.

Services are the queue's kinds; a request is a queue item, known in public by its reference "CK-<id>"
(never by its tracking code, the citizen's secret). Systems post with an API key (app.open311.keys);
the reading side shows only what the public may see. `init_open311(app)` registers the routes, the
router's 404 and 405 in the spec's error format (app.open311.routing_errors), the admin page and the
`flask apikeys` commands.
"""


def init_open311(app):
    """Register the Open311 routes, their 404 / 405 errors, the API keys admin page and `flask apikeys`."""
    from app.open311 import admin_views, request_views, service_views  # noqa: F401  (attach the routes)
    from app.open311.blueprints import admin_blueprint, blueprint
    from app.open311.cli import apikeys_cli
    from app.open311.routing_errors import init_routing_errors

    app.register_blueprint(blueprint)
    app.register_blueprint(admin_blueprint)
    init_routing_errors(app)
    app.cli.add_command(apikeys_cli)
