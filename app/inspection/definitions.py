"""What every figure means, in plain Vietnamese: shown on the pages, in the exports and the annual report.

One list, so a figure is defined once and the definition travels with it.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Definition:
    key: str
    label: object
    text: object


DEFINITIONS = (
    Definition(
        "period",
        _l("Phạm vi"),
        _l(
            "Số liệu trong kỳ (tiếp nhận, đúng hạn, thời gian, mở lại, đánh giá, chuyển) tính trên các hồ sơ được "
            "tiếp nhận trong khoảng thời gian đã chọn (theo giờ Việt Nam) bởi đơn vị và các đơn vị trực thuộc, theo "
            "tình trạng hiện nay. Số liệu hôm nay (đang xử lý, quá hạn hiện nay, số ngày quá hạn) tính mọi hồ sơ chưa "
            "xong vào hôm nay, dù tiếp nhận lúc nào, kể cả trước kỳ: như hàng đợi của cán bộ. Mọi xã, phường đều "
            "được liệt kê, kể cả khi không có hồ sơ hay thông báo nào (số 0)."
        ),
    ),
    Definition(
        "received",
        _l("Hồ sơ tiếp nhận"),
        _l(
            "Số câu hỏi, phản ánh kiến nghị, yêu cầu cung cấp thông tin, khiếu nại, tố cáo tiếp nhận trong kỳ. "
            "Hồ sơ được chuyển giữa các đơn vị tính cho đơn vị nhận."
        ),
    ),
    Definition(
        "acknowledged_on_time",
        _l("Tiếp nhận đúng hạn"),
        _l(
            "Đúng hạn: ngày xác nhận tiếp nhận (hoặc ngày phản hồi đầu tiên, nếu trả lời ngay) không muộn hơn hạn "
            "tiếp nhận. Mẫu số: hồ sơ đã tiếp nhận, cộng hồ sơ đã quá hạn tiếp nhận mà chưa tiếp nhận. Không tính loại "
            "hồ sơ không có bước tiếp nhận (hỏi đáp, yêu cầu cung cấp thông tin)."
        ),
    ),
    Definition(
        "answered_on_time",
        _l("Trả lời đúng hạn"),
        _l(
            "Đúng hạn: ngày trả lời không muộn hơn hạn giải quyết (hạn kết thúc lúc 24:00, giờ Việt Nam; hạn đã cộng "
            "thời gian tạm dừng chờ người dân bổ sung và gia hạn hợp lệ). Mẫu số: hồ sơ đã trả lời, cộng hồ sơ đang "
            "xử lý đã quá hạn giải quyết. Không tính hồ sơ không thụ lý, chuyển cơ quan khác, đang chờ bổ sung hoặc "
            "chưa có hạn giải quyết."
        ),
    ),
    Definition(
        "first_response",
        _l("Thời gian phản hồi đầu tiên"),
        _l(
            "Từ lúc tiếp nhận đến lần đầu cơ quan phản hồi người dân (xác nhận, đề nghị bổ sung, trả lời hoặc "
            "từ chối). Trung vị: một nửa số hồ sơ nhanh hơn; phân vị 90: 9 trên 10 hồ sơ không chậm hơn "
            "(theo thứ hạng gần nhất). Ngày làm việc không tính ngày tiếp nhận, trừ thứ Bảy, Chủ nhật, "
            "ngày lễ và tính ngày làm bù; giờ làm tròn xuống."
        ),
    ),
    Definition(
        "answer",
        _l("Thời gian trả lời"),
        _l(
            "Từ lúc tiếp nhận đến lúc trả lời, tính như thời gian phản hồi đầu tiên; gồm cả thời gian chờ người dân "
            "bổ sung thông tin."
        ),
    ),
    Definition(
        "open_now",
        _l("Đang xử lý hiện nay"),
        _l(
            "Số liệu hôm nay: mọi hồ sơ chưa trả lời hoặc chưa kết thúc vào lúc xem, dù tiếp nhận lúc nào, kể cả hồ "
            "sơ đang chờ bổ sung và hồ sơ bị mở lại. Trong bảng theo tháng tiếp nhận: các hồ sơ của tháng đó."
        ),
    ),
    Definition(
        "overdue_now",
        _l("Quá hạn hiện nay"),
        _l(
            "Số liệu hôm nay: hồ sơ đang xử lý, dù tiếp nhận lúc nào, đã qua hạn tiếp nhận mà đơn vị đang giữ hồ sơ "
            "chưa tiếp nhận, hoặc đã tiếp nhận và qua hạn giải quyết mà chưa trả lời (như hàng đợi của cán bộ). "
            "Không tính hồ sơ đang chờ người dân bổ sung (thời hạn tạm dừng). Số ngày quá hạn là số ngày lịch từ "
            "hạn bị lỡ đến hôm nay."
        ),
    ),
    Definition(
        "reopened",
        _l("Mở lại"),
        _l("Tỷ lệ hồ sơ bị mở lại sau khi đã trả lời hoặc kết thúc, trên số hồ sơ đã trả lời hoặc kết thúc."),
    ),
    Definition(
        "rating",
        _l("Đánh giá của người dân"),
        _l("Điểm trung bình (từ 1 đến 5) người dân chấm cho câu trả lời, và số lượt đánh giá."),
    ),
    Definition(
        "forwarded",
        _l("Chuyển đến, chuyển đi"),
        _l(
            "Chuyển đến: hồ sơ đơn vị khác chuyển sang. Chuyển đi: hồ sơ đơn vị chuyển cho đơn vị khác trong hệ thống "
            "hoặc chuyển cơ quan khác giải quyết."
        ),
    ),
    Definition(
        "backlog",
        _l("Tồn đọng cuối tháng"),
        _l("Số hồ sơ chưa trả lời hoặc chưa kết thúc vào cuối mỗi tháng, kể cả hồ sơ tiếp nhận trước kỳ."),
    ),
    Definition(
        "notices_posted",
        _l("Thông báo đã niêm yết"),
        _l("Thông báo đã đăng (kể cả đã thu hồi sau đó) có ngày bắt đầu niêm yết trong khoảng thời gian đã chọn."),
    ),
    Definition(
        "posting_delay",
        _l("Từ ban hành đến niêm yết"),
        _l(
            "Trung vị số ngày làm việc từ ngày ban hành văn bản đến ngày bắt đầu niêm yết; chỉ tính thông báo có "
            "ghi ngày ban hành."
        ),
    ),
    Definition(
        "posted_within_limit",
        _l("Niêm yết trong 3 ngày làm việc"),
        _l(
            "Tỷ lệ thông báo niêm yết trong vòng 3 ngày làm việc kể từ ngày ban hành văn bản (Nghị định "
            "04/2015/NĐ-CP), trên số thông báo có ngày ban hành."
        ),
    ),
    Definition(
        "posting_long_enough",
        _l("Niêm yết đủ 30 ngày"),
        _l("Tỷ lệ thông báo có thời gian niêm yết (từ ngày bắt đầu đến ngày kết thúc) từ 30 ngày trở lên."),
    ),
    Definition(
        "corrections",
        _l("Đính chính, thu hồi"),
        _l(
            "Số lần đính chính (phiên bản mới sau lần niêm yết đầu) và số thông báo bị thu hồi, của các thông báo trên."
        ),
    ),
    Definition(
        "ranking",
        _l("Xếp hạng"),
        _l(
            "Chỉ xếp hạng đơn vị có đủ số hồ sơ tối thiểu trong kỳ, để vài hồ sơ dễ không vượt lên trên hàng trăm "
            "hồ sơ; các đơn vị khác, kể cả đơn vị không có hồ sơ nào, được liệt kê riêng. Thứ tự: tỷ lệ trả lời "
            "đúng hạn, rồi tỷ lệ tiếp nhận đúng hạn, rồi trung vị thời gian trả lời; bằng nhau về hai tỷ lệ thì "
            "cùng hạng."
        ),
    ),
)
