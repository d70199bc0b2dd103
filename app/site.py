"""The files every site answers at its root: /robots.txt and /favicon.ico.

Factory level: robots.txt names the paths of other blueprints (the areas behind a sign-in, the pages
that hold a citizen's own question) and points at the sitemap only once some blueprint serves one.
"""

from flask import Blueprint, Response, current_app, send_from_directory

blueprint = Blueprint("site", __name__)

# Behind a sign-in, or a citizen's own item: /track/<code> shows their question, the page after
# submitting shows their tracking code. The public notices, units, search and API stay open.
DISALLOWED_PATHS = ("/manage/", "/audit/", "/login", "/track/", "/feedback/submitted/")
SITEMAP_PATH = "/sitemap.xml"
ROBOTS_MAX_AGE = 24 * 60 * 60
FAVICON_MAX_AGE = 7 * 24 * 60 * 60


def robots_text(app):
    """The rules for crawlers, with a Sitemap line if the app serves /sitemap.xml."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS), "Allow: /"]
    if any(rule.rule == SITEMAP_PATH for rule in app.url_map.iter_rules()):
        lines += ["", f"Sitemap: {app.config['PUBLIC_BASE_URL']}{SITEMAP_PATH}"]
    return "\n".join(lines) + "\n"


@blueprint.get("/robots.txt")
def robots_txt():
    """Let crawlers read the public site and keep them out of the signed-in areas and tracking pages."""
    response = Response(robots_text(current_app), mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = ROBOTS_MAX_AGE
    return response


@blueprint.get("/favicon.ico")
def favicon():
    """Send the site's icon where browsers look for it without a <link rel="icon">."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE
    )
