"""Where each role's work starts: the page /manage and the sign-in lead to."""

from flask import url_for

# role -> (endpoint, query arguments). Endpoints are named, not imported: the audit pages sit beside this package.
HOMES = {
    "official": ("feedback.manage_queue", {"tab": "new"}),
    "leader": ("workspaces.overview", {}),
    "inspector": ("audit.overview", {}),
    "admin": ("workspaces.administration", {}),
}
PUBLIC_HOME = ("notices.index", {})


def home_endpoint(user):
    """Return (endpoint, arguments) of the user's home; the public home page for a role without one."""
    return HOMES.get(getattr(user, "role", None), PUBLIC_HOME)


def home_url(user):
    """Return the URL of the user's home."""
    endpoint, arguments = home_endpoint(user)
    return url_for(endpoint, **arguments)
