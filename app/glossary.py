"""Vietnamese legal and administrative terms: English identifiers, Vietnamese labels.

Identifiers are contracts (URLs, the API, imports); labels go through Flask-Babel so
the English locale can translate them.
"""

from flask_babel import lazy_gettext as _l

NOTICE_CATEGORIES = {
    "land_recovery": _l("Thu hồi đất"),
    "site_clearance": _l("Giải phóng mặt bằng"),
    "compensation_resettlement": _l("Bồi thường, hỗ trợ, tái định cư"),
    "investment_project": _l("Dự án đầu tư"),
    "budget": _l("Dự toán, thu chi, quyết toán ngân sách"),
    "zoning": _l("Quy hoạch, kế hoạch sử dụng đất"),
    "socio_economic_plan": _l("Kế hoạch phát triển kinh tế – xã hội"),
    "public_land": _l("Quỹ đất công ích"),
    "social_support": _l("Danh sách hỗ trợ, hộ nghèo"),
    "contributions": _l("Huy động đóng góp của nhân dân"),
    "inspection": _l("Kết luận thanh tra"),
    "village_convention": _l("Hương ước, quy ước"),
    "personnel": _l("Công tác cán bộ"),
    "other": _l("Khác"),
}

UNIT_KINDS = {
    "province": _l("Tỉnh"),
    "district": _l("Huyện"),
    "commune": _l("Xã"),
    "ward": _l("Phường"),
    "special_zone": _l("Đặc khu"),
}

ROLES = {
    "official": _l("Cán bộ, công chức"),
    "leader": _l("Lãnh đạo"),
    "inspector": _l("Thanh tra, giám sát"),
    "admin": _l("Quản trị"),
}

NOTICE_STATUSES = {
    "draft": _l("Bản nháp"),
    "published": _l("Đang niêm yết"),
    "upcoming": _l("Sắp niêm yết"),
    "expired": _l("Hết thời hạn niêm yết"),
    "withdrawn": _l("Đã thu hồi"),
}

# Public list filter values for the derived status of a notice.
PUBLIC_STATUS_FILTERS = {
    "current": _l("Đang niêm yết"),
    "expired": _l("Hết thời hạn niêm yết"),
    "withdrawn": _l("Đã thu hồi"),
}


def category_label(identifier):
    """Return the label of a notice category, or the identifier if unknown."""
    return NOTICE_CATEGORIES.get(identifier, identifier)
