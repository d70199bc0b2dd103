"""The outbox as officials read it (/manage/notifications): which rows a user sees, named in Vietnamese.

Officials, leaders and admins see the notifications written for their unit's subtree (administrators
also those of no unit), newest first. Nothing here reads a recipient: the address stays encrypted and
the page shows no part of it; an error text a server echoed an address or a number in is shown without it.
Sending one again (`retry_notification`) puts it back in the queue and writes the audit entry.
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import AdministrativeUnit
from app.clock import utcnow
from app.extensions import db
from app.feedback.models import Feedback
from app.ledger.chain import record
from app.outbox import queue
from app.outbox.models import CHANNELS, STATUSES, Notification

PER_PAGE = 50
STATUS_LABELS = {
    "queued": _l("Đang chờ"),
    "sent": _l("Đã gửi"),
    "failed": _l("Lỗi"),
    "suppressed": _l("Đã bỏ"),
}
CHANNEL_LABELS = {"email": _l("E-mail"), "sms": _l("SMS"), "zalo": _l("Zalo")}
# What each template tells, as the list names it; a template not named here is shown by its identifier.
TEMPLATE_LABELS = {
    "feedback.receipt": _l("Báo đã nhận ý kiến"),
    "feedback.acknowledged": _l("Báo đã thụ lý"),
    "feedback.rejected": _l("Báo không thụ lý"),
    "feedback.information_requested": _l("Đề nghị bổ sung thông tin"),
    "feedback.forwarded": _l("Báo đã chuyển ý kiến"),
    "feedback.answered": _l("Báo đã có trả lời"),
    "feedback.closed": _l("Báo kết thúc giải quyết"),
    "feedback.reopened": _l("Báo mở lại ý kiến"),
    "feedback.extended": _l("Báo gia hạn giải quyết"),
    "staff.new_item": _l("Báo cán bộ có ý kiến mới"),
    "staff.forwarded_in": _l("Báo cán bộ có ý kiến được chuyển đến"),
    "staff.information_received": _l("Báo cán bộ người gửi đã bổ sung"),
    "staff.digest": _l("Bản tin hằng ngày cho cán bộ"),
    "follow.confirm": _l("Xác nhận đăng ký theo dõi"),
    "follow.notice_published": _l("Báo người theo dõi có thông báo mới"),
    "follow.notice_corrected": _l("Báo người theo dõi có đính chính"),
    "follow.notice_withdrawn": _l("Báo người theo dõi thông báo bị thu hồi"),
    "follow.public_answer": _l("Báo người theo dõi có trả lời công khai"),
}
ERROR_PREVIEW = 80
_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:]+@[^\s<>()\[\]\"',;:]+")
_NUMBER = re.compile(r"\+?\d(?:[ .-]?\d){7,}")  # 8 digits or more: a phone number, not "550 5.1.1"


@dataclass(frozen=True)
class Filters:
    """The list's filters, each empty for "all"; `page` counts from 1."""

    status: str = ""
    channel: str = ""
    page: int = 1

    def url_args(self, with_page=False):
        """The query arguments that keep these filters on a link or a redirect."""
        args = {name: value for name, value in (("status", self.status), ("channel", self.channel)) if value}
        if with_page and self.page > 1:
            args["page"] = self.page
        return args


def parse_filters(args, page):
    """Filters from the query string (or a form); an unknown value is returned in `errors` and ignored."""
    status, channel, errors = args.get("status", ""), args.get("channel", ""), []
    if status and status not in STATUSES:
        errors.append("status")
        status = ""
    if channel and channel not in CHANNELS:
        errors.append("channel")
        channel = ""
    return Filters(status, channel, page), errors


def visible_to(user):
    """The SQL condition on Notification for the rows `user` may see."""
    subtree = select(AdministrativeUnit.id).where(user.unit.subtree_clause())
    condition = Notification.unit_id.in_(subtree)
    if user.role == "admin":
        condition = or_(condition, Notification.unit_id.is_(None))
    return condition


def list_query(user, filters):
    """The user's notifications with these filters, newest first."""
    query = select(Notification).where(visible_to(user))
    if filters.status:
        query = query.where(Notification.status == filters.status)
    if filters.channel:  # written for that channel, or delivered through it as the fallback
        query = query.where(or_(Notification.channel == filters.channel, Notification.sent_channel == filters.channel))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def failed_count(user):
    """How many of the user's notifications failed (the navigation's badge)."""
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.status == "failed", visible_to(user))
    )


def feedback_of(rows):
    """{notification id: Feedback} for the rows about a queue item ("feedback:<id>"), in one query."""
    wanted = {}
    for row in rows:
        kind, _, number = (row.subject or "").partition(":")
        if kind == "feedback" and number.isascii() and number.isdigit():
            wanted[row.id] = int(number)
    if not wanted:
        return {}
    items = db.session.scalars(
        select(Feedback).where(Feedback.id.in_(set(wanted.values()))).options(joinedload(Feedback.unit))
    )
    by_id = {item.id: item for item in items}
    return {row_id: by_id[item_id] for row_id, item_id in wanted.items() if item_id in by_id}


def template_label(template):
    return TEMPLATE_LABELS.get(template, template)


def error_text(text):
    """An error as the page shows it: any address or long number a server echoed is left out."""
    return _NUMBER.sub("[…]", _ADDRESS.sub("[…]", text or ""))


def is_being_sent(notification):
    """Whether a worker holds the notification right now (sending it): it is not to be queued twice."""
    return notification.claimed_until is not None and notification.claimed_until > utcnow()


def retry_notification(notification, actor):
    """Queue a waiting or failed notification to be sent now, with the audit entry; False if it cannot be."""
    before = notification.status
    if is_being_sent(notification) or not queue.retry(notification):
        return False
    record(
        "notification.retry",
        notification,
        f"{notification.template} ({notification.channel}): {before} → {notification.status}",
        {
            "before": {"status": before},
            "after": {"status": notification.status},
            "template": notification.template,
            "delivery_channel": notification.channel,
            "subject": notification.subject,
            "attempts": notification.attempts,
        },
        actor=actor,
    )
    return True
