"""What each event of a queue item's history is called, for the officials' and inspectors' pages."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "receive": _l("Tiếp nhận"),
    "acknowledge": _l("Thụ lý"),
    "reject": _l("Không thụ lý"),
    "request_information": _l("Đề nghị bổ sung thông tin"),
    "receive_information": _l("Đã nhận thông tin bổ sung"),
    "reply": _l("Trả lời"),
    "forward_internal": _l("Chuyển đơn vị khác"),
    "forward_external": _l("Chuyển cơ quan ngoài hệ thống"),
    "extend": _l("Gia hạn"),
    "close": _l("Kết thúc"),
    "reopen": _l("Mở lại"),
    "assign": _l("Giao cán bộ xử lý"),
    "note": _l("Ghi chú nội bộ"),
    "rate": _l("Người gửi đánh giá"),
}
