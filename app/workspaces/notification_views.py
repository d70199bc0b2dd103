"""The outbox of the official's unit, /manage/notifications: what was sent, what waits, what failed; send again."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db
from app.notices.queries import page_number, paginate
from app.outbox.models import Notification
from app.workspaces import blueprint
from app.workspaces import notifications as outbox_list
from app.workspaces.permissions import can_retry_notification, can_use_notifications, can_view_notification

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
FILTER_ERRORS = {
    "status": _l("Trạng thái lọc không hợp lệ; đang hiện mọi trạng thái."),
    "channel": _l("Kênh gửi không hợp lệ; đang hiện mọi kênh."),
}


def _filters(args):
    filters, errors = outbox_list.parse_filters(args, page_number(args.get("page")))
    for name in errors:
        flash(str(FILTER_ERRORS[name]), "error")
    return filters


@blueprint.get("/manage/notifications")
@login_required
def list_notifications():
    """The notifications written for the user's unit subtree, newest first, 50 a page."""
    if not can_use_notifications(current_user):
        abort(403)
    filters = _filters(request.args)
    pagination = paginate(outbox_list.list_query(current_user, filters), filters.page, outbox_list.PER_PAGE)
    return render_template(
        "workspaces/notifications.html",
        pagination=pagination,
        filters=filters,
        items=outbox_list.feedback_of(pagination.items),
        unit=current_user.unit,
        statuses=outbox_list.STATUS_LABELS,
        channels=outbox_list.CHANNEL_LABELS,
        template_label=outbox_list.template_label,
        error_text=outbox_list.error_text,
    )


@blueprint.post("/manage/notifications/<int:notification_id>/retry")
@login_required
def retry_notification(notification_id):
    """Send a waiting or failed notification again now; back to the list with its filters."""
    if not can_use_notifications(current_user):
        abort(403)
    notification = db.session.get(Notification, notification_id) if notification_id <= MAX_ID else None
    if not can_view_notification(current_user, notification):
        abort(404)  # another unit's notification is not there for this user
    filters = _filters(request.form)
    if not can_retry_notification(current_user, notification):
        flash(_("Tin này đã gửi xong hoặc đã bỏ, không gửi lại được."), "error")
    elif outbox_list.is_being_sent(notification):
        flash(_("Tin này đang được gửi; xin xem lại sau ít phút."), "error")
    elif outbox_list.retry_notification(notification, current_user):
        db.session.commit()
        flash(_("Đã đưa tin số %(number)s vào hàng gửi; hệ thống gửi lại ngay.", number=notification.id), "success")
    return redirect(url_for("workspaces.list_notifications", **filters.url_args(with_page=True)))
