"""Jinja filters and globals: dates, phones, labels, permissions, the staff navigation, language switch."""

from dataclasses import dataclass

from flask import request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock, dates, glossary, phones
from app.accounts import permissions as account_permissions
from app.feedback import permissions as feedback_permissions
from app.inspection import permissions as audit_permissions
from app.notices import permissions as notice_permissions
from app.workspaces import notifications as outbox_list
from app.workspaces import permissions as workspace_permissions
from app.workspaces.homes import home_endpoint


@dataclass(frozen=True)
class NavBadge:
    """A count beside an area's link (what waits there for the user), and what the number counts."""

    count: object  # count(user) -> int
    label: object


@dataclass(frozen=True)
class StaffArea:
    """One area of the staff navigation: who may use it (the same function its routes check) and where it starts."""

    key: str
    label: object
    endpoint: str
    permission: object
    # Endpoint prefixes of the area's other pages, to mark its link as the current page (the longest match wins).
    pages: tuple
    badge: NavBadge | None = None


STAFF_AREAS = (
    StaffArea("overview", _l("Tổng quan"), "workspaces.overview", workspace_permissions.can_use_overview, ()),
    StaffArea(
        "queue",
        _l("Hàng đợi ý kiến"),
        "feedback.manage_queue",
        feedback_permissions.can_use_queue,
        ("feedback.manage_",),
    ),
    StaffArea(
        "notices",
        _l("Quản lý thông báo"),
        "notices.manage_index",
        notice_permissions.can_use_notice_management,
        ("notices.manage_",),
    ),
    StaffArea(
        "notifications",
        _l("Hộp thư đi"),
        "workspaces.list_notifications",
        workspace_permissions.can_use_notifications,
        ("workspaces.retry_notification",),
        NavBadge(outbox_list.failed_count, _l("tin gửi lỗi")),
    ),
    StaffArea("audit", _l("Giám sát"), "audit.overview", audit_permissions.can_use_audit_area, ("audit.",)),
    StaffArea(
        "users",
        _l("Người dùng"),
        "accounts.list_users",
        account_permissions.can_use_user_management,
        (
            "accounts.new_user",
            "accounts.show_user",
            "accounts.edit_user",
            "accounts.deactivate_user",
            "accounts.reactivate_user",
            "accounts.reset_password",
            "accounts.reset_second_factor_of_user",
            "accounts.unlock_user",
        ),
    ),
    StaffArea(
        "administration",
        _l("Quản trị hệ thống"),
        "workspaces.administration",
        account_permissions.can_use_administration,
        ("feedback.manage_deadlines",),
    ),
    StaffArea(
        "account",
        _l("Tài khoản"),
        "accounts.edit_account",
        account_permissions.can_use_account,
        ("accounts.change_password", "accounts.two_factor"),
    ),
)


def _current_area(endpoint):
    """The key of the area whose longest endpoint prefix names `endpoint`, or None."""
    best, length = None, 0
    for area in STAFF_AREAS:
        for page in (area.endpoint, *area.pages):
            if endpoint.startswith(page) and len(page) > length:
                best, length = area.key, len(page)
    return best


def staff_areas(user):
    """The areas `user` may use, their home's area first, each with its URL and whether it is the current page."""
    home, _arguments = home_endpoint(user)
    current = _current_area(request.endpoint or "")
    # Each link opens its area's whole page (the queue without a tab); "Trang làm việc" (/manage) opens the home.
    areas = [
        {
            "key": area.key,
            "label": area.label,
            "url": url_for(area.endpoint),
            "is_current": area.key == current,
            "is_home": area.endpoint == home,
            "badge": area.badge.count(user) if area.badge else 0,
            "badge_label": area.badge.label if area.badge else "",
        }
        for area in STAFF_AREAS
        if area.permission(user)
    ]
    return sorted(areas, key=lambda area: not area["is_home"])


def _permission_functions():
    functions = {}
    for module in (
        account_permissions,
        notice_permissions,
        feedback_permissions,
        audit_permissions,
        workspace_permissions,
    ):
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
        typed_day=dates.typed_day,
        phone=phones.format_local,
        category_label=glossary.category_label,
    )
    app.jinja_env.globals.update(
        glossary=glossary,
        url_with_lang=_url_with_lang,
        staff_areas=staff_areas,
        **_permission_functions(),
    )

    @app.context_processor
    def inject_user_and_locale():
        return {"current_user": current_user, "current_locale": str(get_locale())}
