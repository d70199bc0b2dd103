"""The five kinds of queue item and the channels items arrive by: identifiers (contracts), labels, explanations."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class FeedbackKind:
    identifier: str
    label: object
    code_prefix: str  # first letters of the tracking code
    is_identity_required: bool
    is_identity_confidential: bool
    explanation: object  # what it is for and how long an answer takes, in plain words


FEEDBACK_KINDS = {
    kind.identifier: kind
    for kind in (
        FeedbackKind(
            "question",
            _l("Hỏi đáp"),
            "HD",
            False,
            False,
            _l(
                "Hỏi về nội dung một thông báo hoặc việc của xã. Không bắt buộc ghi họ tên. "
                "Trả lời trong 10 ngày làm việc."
            ),
        ),
        FeedbackKind(
            "petition",
            _l("Phản ánh, kiến nghị"),
            "PA",
            False,
            False,
            _l(
                "Báo cho xã biết một việc chưa đúng hoặc đề xuất cách làm. Không bắt buộc ghi họ tên. "
                "Xã tiếp nhận trong 3 ngày làm việc và trả lời trong 15 ngày làm việc."
            ),
        ),
        FeedbackKind(
            "information_request",
            _l("Yêu cầu cung cấp thông tin"),
            "TT",
            True,
            False,
            _l(
                "Đề nghị xã cung cấp thông tin theo Luật Tiếp cận thông tin. Cần ghi họ tên và cách liên hệ. "
                "Trả lời trong 3 ngày làm việc, hoặc 15 ngày làm việc nếu thông tin phức tạp."
            ),
        ),
        FeedbackKind(
            "complaint",
            _l("Khiếu nại"),
            "KN",
            True,
            False,
            _l(
                "Đề nghị xem xét lại một quyết định hoặc việc làm của xã ảnh hưởng đến quyền lợi của bạn. "
                "Cần ghi họ tên, địa chỉ. Xã thụ lý trong 10 ngày và giải quyết trong 30 ngày kể từ khi thụ lý "
                "(45 ngày nếu phức tạp hoặc vùng khó khăn)."
            ),
        ),
        FeedbackKind(
            "denunciation",
            _l("Tố cáo"),
            "TC",
            True,
            True,
            _l(
                "Báo hành vi vi phạm pháp luật của cán bộ, tổ chức. Cần ghi họ tên, địa chỉ; danh tính người tố cáo "
                "được giữ bí mật, chỉ người giải quyết được xem. Thụ lý trong 7 ngày làm việc, giải quyết trong 30 "
                "ngày kể từ khi thụ lý. Tố cáo không ghi danh được xử lý như phản ánh."
            ),
        ),
    )
}


def kind_label(identifier):
    """Return the Vietnamese label of a kind, or the identifier if unknown."""
    kind = FEEDBACK_KINDS.get(identifier)
    return kind.label if kind else identifier


# How an item reached the queue (Feedback.channel; contracts: the API, the filters, the exports).
CHANNELS = {
    "web": _l("Trang web"),
    "api": _l("API"),
    "phone": _l("Điện thoại"),
    "walk_in": _l("Trực tiếp tại UBND"),
    "mail": _l("Thư/đơn giấy"),
    "open311": _l("Open311"),
}
# The channels an official records by hand at /manage/queue/new, the first the default.
RECORDED_CHANNELS = ("phone", "walk_in", "mail")


def channel_label(identifier):
    """Return the Vietnamese label of a channel, or the identifier if unknown."""
    return CHANNELS.get(identifier, identifier)
