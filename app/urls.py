"""Absolute public URLs, built on PUBLIC_BASE_URL (what QR codes and the API print)."""

from flask import current_app, has_request_context, url_for


def public_url(endpoint, **values):
    """Return the absolute URL of an endpoint under PUBLIC_BASE_URL (also outside a request: the worker)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"] + path


def notice_short_url(notice):
    """Return the absolute short URL of a published notice (None for drafts)."""
    if not notice.short_code:
        return None
    return public_url("notices.short_url", code=notice.short_code)
