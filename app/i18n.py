"""Locale selection: Vietnamese unless the visitor chose English."""

from flask import current_app, request, session


def select_locale():
    """Use ?lang=, then the visitor's saved choice, then Vietnamese."""
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
