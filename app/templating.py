"""Jinja filters and globals: dates, phones, labels, permissions, language switch."""

from flask import request, session
from flask_babel import get_locale
from flask_login import current_user

from app import clock, glossary, phones
from app.accounts import permissions as account_permissions
from app.feedback import permissions as feedback_permissions
from app.notices import permissions as notice_permissions


def _permission_functions():
    functions = {}
    for module in (account_permissions, notice_permissions, feedback_permissions):
        functions.update({name: getattr(module, name) for name in dir(module) if name.startswith("can_")})
    return functions


def _remember_language():
    chosen = request.args.get("lang")
    if chosen in ("vi", "en"):
        session["lang"] = chosen


def _url_with_lang(code):
    arguments = request.args.to_dict(flat=False)
    arguments["lang"] = [code]
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(arguments, doseq=True)}"


def init_templating(app):
    app.before_request(_remember_language)
    app.jinja_env.filters.update(
        date=clock.format_date,
        datetime=clock.format_datetime,
        phone=phones.format_local,
        category_label=glossary.category_label,
    )
    app.jinja_env.globals.update(
        glossary=glossary,
        url_with_lang=_url_with_lang,
        **_permission_functions(),
    )

    @app.context_processor
    def inject_user_and_locale():
        return {"current_user": current_user, "current_locale": str(get_locale())}
