"""Locale selection: Vietnamese unless the visitor chose English."""

import functools

from flask import current_app, has_request_context, request, session
from flask_babel import force_locale


def select_locale():
    """Use ?lang=, then the visitor's saved choice, then Vietnamese (always, outside a request)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        return chosen
    saved = session.get("lang")
    if saved in languages:
        return saved
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    """Every date and time is shown in Vietnam time."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def in_vietnamese(command):
    """Run `command` in Vietnamese whatever the request says: a CLI command names holidays, weekends, kinds."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale("vi"):
            return command(*args, **kwargs)

    return wrapper
