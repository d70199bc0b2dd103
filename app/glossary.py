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


# What each audit-log action is called (app.ledger.chain.record's first argument).
AUDIT_ACTIONS = {
    "notice.created": _l("Tạo thông báo nháp"),
    "notice.draft_updated": _l("Sửa thông báo nháp"),
    "notice.published": _l("Đăng thông báo"),
    "notice.corrected": _l("Đính chính thông báo"),
    "notice.withdrawn": _l("Thu hồi thông báo"),
    "notice.draft_deleted": _l("Xóa thông báo nháp"),
    "notice.attachment_added": _l("Thêm tệp đính kèm"),
    "notice.attachment_removed": _l("Gỡ tệp đính kèm"),
    "feedback.received": _l("Nhận hồ sơ"),
    "feedback.photos_added": _l("Thêm ảnh vào hồ sơ"),
    "feedback.acknowledge": _l("Thụ lý hồ sơ"),
    "feedback.reject": _l("Không thụ lý hồ sơ"),
    "feedback.request_information": _l("Đề nghị bổ sung thông tin"),
    "feedback.receive_information": _l("Nhận thông tin bổ sung"),
    "feedback.reply": _l("Trả lời hồ sơ"),
    "feedback.forward_internal": _l("Chuyển hồ sơ sang đơn vị khác"),
    "feedback.forward_external": _l("Chuyển hồ sơ ra cơ quan ngoài hệ thống"),
    "feedback.extend": _l("Gia hạn hồ sơ"),
    "feedback.close": _l("Kết thúc hồ sơ"),
    "feedback.reopen": _l("Mở lại hồ sơ"),
    "feedback.note": _l("Ghi chú nội bộ vào hồ sơ"),
    "feedback.assign": _l("Giao cán bộ xử lý hồ sơ"),
    "feedback.rate": _l("Người gửi đánh giá"),
    "feedback.due_dates_recomputed": _l("Tính lại hạn của hồ sơ"),
    "feedback.backdated": _l("Ghi nhận hồ sơ với thời điểm nhận sớm hơn lúc ghi"),
    "user.login": _l("Đăng nhập"),
    "user.created": _l("Tạo tài khoản"),
    "user.role_changed": _l("Đổi vai trò người dùng"),
    "user.unit_changed": _l("Đổi đơn vị của người dùng"),
    "user.deactivated": _l("Khóa tài khoản"),
    "user.reactivated": _l("Mở lại tài khoản"),
    "user.profile_changed": _l("Sửa thông tin cá nhân"),
    "user.notify_by_changed": _l("Đổi cách nhận thông báo"),
    "user.password_changed": _l("Đổi mật khẩu"),
    "user.password_reset_link_issued": _l("Cấp đường dẫn đặt lại mật khẩu"),
    "user.temporary_password_set": _l("Cấp mật khẩu tạm"),
    "user.password_reset": _l("Đặt lại mật khẩu"),
    "user.two_factor_enabled": _l("Bật xác thực hai lớp"),
    "user.two_factor_disabled": _l("Tắt xác thực hai lớp"),
    "user.two_factor_reset": _l("Đặt lại xác thực hai lớp của người dùng"),
    "user.recovery_codes_regenerated": _l("Tạo bộ mã dự phòng mới"),
    "user.locked": _l("Tạm khóa đăng nhập vì nhập sai nhiều lần"),
    "user.unlocked": _l("Mở khóa đăng nhập"),
    "user.sessions_ended": _l("Đăng xuất khỏi mọi thiết bị"),
    "deadline_rule.updated": _l("Sửa quy định thời hạn"),
    "holiday_override.set": _l("Đặt ngày nghỉ, ngày làm bù"),
    "holiday_override.removed": _l("Bỏ ngày nghỉ, ngày làm bù"),
    "notification.retry": _l("Gửi lại tin trong hộp thư đi"),
}

# The families of actions, for "every action on …" in the log filter (prefix before the dot).
AUDIT_ACTION_GROUPS = {
    "notice": _l("Mọi thao tác với thông báo"),
    "feedback": _l("Mọi thao tác với hồ sơ"),
    "user": _l("Mọi thao tác với tài khoản"),
    "deadline_rule": _l("Mọi thay đổi quy định thời hạn"),
    "holiday_override": _l("Mọi thay đổi ngày nghỉ, ngày làm bù"),
}

# What the audited objects are (AuditEntry.object_type is the model's class name).
AUDIT_OBJECTS = {
    "Notice": _l("Thông báo"),
    "Feedback": _l("Hồ sơ"),
    "User": _l("Tài khoản"),
    "AdministrativeUnit": _l("Đơn vị hành chính"),
    "DeadlineRule": _l("Quy định thời hạn"),
    "HolidayOverride": _l("Ngày nghỉ, ngày làm bù"),
    "Notification": _l("Tin gửi đi"),
}

# Fields named in audit entries' data, as the log shows them.
AUDIT_FIELDS = {
    "title": _l("Tiêu đề"),
    "summary": _l("Tóm tắt"),
    "body_html": _l("Nội dung"),
    "category": _l("Lĩnh vực"),
    "legal_reference": _l("Căn cứ pháp lý"),
    "issued_on": _l("Ngày ban hành"),
    "posting_start": _l("Ngày bắt đầu niêm yết"),
    "posting_end": _l("Ngày kết thúc niêm yết"),
    "opinion_end": _l("Hạn góp ý"),
    "place": _l("Nơi niêm yết"),
    "contact_name": _l("Người liên hệ"),
    "contact_position": _l("Chức vụ người liên hệ"),
    "contact_phone": _l("Điện thoại liên hệ"),
    "role": _l("Vai trò"),
    "unit": _l("Đơn vị"),
    "active": _l("Đang hoạt động"),
    "display_name": _l("Họ tên"),
    "email": _l("Thư điện tử"),
    "phone": _l("Điện thoại"),
    "status": _l("Trạng thái"),
    "acknowledge_due": _l("Hạn tiếp nhận"),
    "resolve_due": _l("Hạn giải quyết"),
    "rule": _l("Thời hạn"),
    "day_off": _l("Ngày"),
    "version": _l("Phiên bản"),
    "short_code": _l("Mã ngắn"),
    "kind": _l("Loại hồ sơ"),
    "step": _l("Bước"),
    "day": _l("Ngày"),
    "from_unit": _l("Từ đơn vị"),
    "to_unit": _l("Sang đơn vị"),
    "agency": _l("Cơ quan nhận"),
    "circumstance": _l("Trường hợp"),
    "is_public": _l("Công khai"),
    "rating": _l("Điểm đánh giá"),
    "template": _l("Loại tin"),
    "delivery_channel": _l("Kênh gửi"),
    "attempts": _l("Số lần đã gửi"),
    "subject": _l("Về việc"),
    "photos": _l("Số ảnh"),
    "failed": _l("Ảnh không lưu được"),
    "notice": _l("Thông báo"),
    "valid_hours": _l("Hiệu lực (giờ)"),
    "working_day": _l("Ngày làm việc"),
    "reason": _l("Lý do"),
    "option": _l("Cách gia hạn"),
    "information_received": _l("Đã nhận thông tin bổ sung"),
    "identity_viewed": _l("Đã xem danh tính người gửi"),
    "failures": _l("Số lần sai liên tiếp"),
    "until": _l("Tạm khóa đến"),
    "second_factor": _l("Lớp xác thực thứ hai"),
    "method": _l("Cách xác thực"),
    "was_enabled": _l("Đã bật trước đó"),
    "notify_by": _l("Cách nhận thông báo"),
    "channel": _l("Kênh tiếp nhận"),
    "received_at": _l("Nhận lúc"),
    "recorded_at": _l("Ghi vào lúc"),
    "minutes_earlier": _l("Sớm hơn lúc ghi (phút)"),
}


def describe_action(action):
    """Return what an audit action is called; an unknown one readably from its identifier."""
    if action in AUDIT_ACTIONS:
        return AUDIT_ACTIONS[action]
    return " › ".join(part.replace("_", " ") for part in action.split(".")).capitalize()
