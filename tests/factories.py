"""Factories: build realistic rows through the same services the app uses."""

import itertools
from datetime import date, timedelta

from app.accounts.models import AdministrativeUnit
from app.accounts.services import create_user
from app.clock import local_today
from app.extensions import db
from app.notices import services as notice_services

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_unit(code, name, kind="commune", parent=None):
    """Create an administrative unit under `parent`."""
    path = f"{parent.path if parent else '/'}{code}/"
    unit = AdministrativeUnit(code=code, name=name, kind=kind, parent=parent, path=path)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_units():
    """A province with two communes: returns (province, commune_a, commune_b)."""
    province = make_unit("24", "Tỉnh Bắc Ninh", "province")
    commune_a = make_unit("07627", "Xã Đại Sơn", "commune", province)
    commune_b = make_unit("07615", "Xã Sơn Động", "commune", province)
    db.session.commit()
    return province, commune_a, commune_b


def make_user(role, unit, username=None, password=PASSWORD):
    """Create an active user with a known password."""
    username = username or f"{role}{next(_sequence)}"
    user = create_user(username, password, role, unit, display_name=f"Cán bộ {username}")
    db.session.commit()
    return user


def notice_fields(**overrides):
    """Valid notice fields as a form would hand them to the services."""
    today = local_today()
    fields = {
        "category": "site_clearance",
        "title": "Thông báo thu hồi đất thực hiện dự án đường vành đai 4",
        "summary": "Ủy ban nhân dân xã thông báo kế hoạch thu hồi đất của 25 hộ gia đình tại thôn Đồng Đình.",
        "body_html": "<p>Chi tiết danh sách các hộ và diện tích thu hồi.</p>",
        "legal_reference": "Quyết định số 123/QĐ-UBND",
        "issued_on": today - timedelta(days=1),
        "posting_start": today,
        "posting_end": today + timedelta(days=30),
        "opinion_end": None,
        "place": "Nhà văn hóa thôn Đồng Đình",
        "contact_name": "Nguyễn Văn An",
        "contact_position": "Công chức địa chính – xây dựng",
        "contact_phone": "+84912345678",
    }
    fields.update(overrides)
    return fields


def make_notice(unit, actor=None, publish=True, **overrides):
    """Create a notice (published unless publish=False) and commit."""
    notice = notice_services.create_notice(unit, notice_fields(**overrides), actor)
    if publish:
        notice_services.publish_notice(notice, actor)
    db.session.commit()
    return notice


def days_ago(days):
    return local_today() - timedelta(days=days)


__all__ = ["PASSWORD", "date", "days_ago", "make_notice", "make_unit", "make_units", "make_user", "notice_fields"]
