"""The officials' queue list, /manage/queue: the items of their units in deadline order, with tabs, filters and counts.

Staff see the queue of their unit's subtree, inspectors read it. The official's home is the "new" tab
(?tab=new); without a tab the page lists every item, as before. A filter that is not valid is explained
and ignored; a unit outside the user's subtree is a 403. The unit's notices are summed up below the list.
"""

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today
from app.extensions import db
from app.feedback import blueprint
from app.feedback.calendar import load_calendar
from app.feedback.deadline_flags import PAUSED_STATUS, deadline_flag, next_due_column
from app.feedback.forms import MAX_NOTICE_ID
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.models import Feedback
from app.feedback.permissions import can_use_queue
from app.feedback.queue_notices import end_of_week, notice_groups
from app.feedback.queue_tabs import TABS, next_working_day, tab_conditions, tab_counts, tab_order
from app.feedback.states import OPEN_STATUSES, STATUSES
from app.notices.permissions import can_use_notice_management
from app.notices.queries import page_number, paginate

QUEUE_PER_PAGE = 20
MAX_USER_ID = 2**31 - 1


def _queue_units(user):
    units = db.session.scalars(select(AdministrativeUnit).where(user.unit.subtree_clause())).all()
    return sorted(units, key=lambda unit: (unit.path.count("/"), unit.name))


def _parse_queue_filters(args, user):
    """Return the valid filters; flash a message for each one that is not (and ignore it)."""
    filters = {}
    kind = args.get("kind", "")
    if kind:
        if kind in FEEDBACK_KINDS:
            filters["kind"] = kind
        else:
            flash(_("Loại ý kiến không hợp lệ; đang hiện mọi loại."), "error")
    status = args.get("status", "")
    if status:
        if status in STATUSES or status == "open":
            filters["status"] = status
        else:
            flash(_("Trạng thái lọc không hợp lệ; đang hiện mọi trạng thái."), "error")
    notice = args.get("notice", "")
    if notice:
        if notice.isascii() and notice.isdigit() and int(notice) <= MAX_NOTICE_ID:
            filters["notice"] = int(notice)
        else:
            flash(_("Mã thông báo phải là một số; đang hiện mọi thông báo."), "error")
    code = args.get("unit", "")
    if code:
        unit = AdministrativeUnit.by_code(code[:16])
        if unit is None:
            flash(_("Không có đơn vị mã %(code)s; đang hiện cả đơn vị của bạn.", code=code[:16]), "error")
        elif not user.unit.contains(unit):
            abort(403)
        else:
            filters["unit"] = unit.code
    if args.get("overdue") == "1":
        filters["overdue"] = "1"
    tab = args.get("tab", "")
    if tab:
        if tab in TABS:
            filters["tab"] = tab
        else:
            flash(_("Thẻ không hợp lệ; đang hiện mọi ý kiến."), "error")
    assigned = _parse_assigned(args.get("assigned", ""), user)
    if assigned is not None:
        filters["assigned"] = assigned
    return filters


def _parse_assigned(value, user):
    """The handler filter: "none" (nobody yet) or the id of an account in the user's subtree."""
    if not value or value == "none":
        return value or None
    if value.isascii() and value.isdigit() and int(value) <= MAX_USER_ID:
        handler = db.session.get(User, int(value))
        if handler is not None and user.unit.contains(handler.unit):
            return handler.id
    flash(_("Không có người xử lý này trong đơn vị của bạn; đang hiện mọi người xử lý."), "error")
    return None


def _queue_query(unit, filters, today, tabs):
    subtree = select(AdministrativeUnit.id).where(unit.subtree_clause())
    query = select(Feedback).where(Feedback.unit_id.in_(subtree))
    if "tab" in filters:
        query = query.where(tabs[filters["tab"]])
    if filters.get("assigned") == "none":
        query = query.where(Feedback.assigned_to_id.is_(None))
    elif "assigned" in filters:
        query = query.where(Feedback.assigned_to_id == filters["assigned"])
    if "kind" in filters:
        query = query.where(Feedback.kind == filters["kind"])
    if filters.get("status") == "open":
        query = query.where(Feedback.status.in_(OPEN_STATUSES))
    elif "status" in filters:
        query = query.where(Feedback.status == filters["status"])
    if "notice" in filters:
        query = query.where(Feedback.notice_id == filters["notice"])
    if "overdue" in filters:
        query = query.where(Feedback.status.in_(OPEN_STATUSES - {PAUSED_STATUS}), next_due_column() < today)
    return query


def _status_counts(subtree):
    rows = db.session.execute(
        select(Feedback.status, func.count()).where(Feedback.unit_id.in_(subtree)).group_by(Feedback.status)
    ).all()
    return dict(rows)


def _order(tab):
    is_open = Feedback.status.in_(OPEN_STATUSES)
    return tab_order(tab) or (
        case((is_open, 0), else_=1),
        case((is_open, next_due_column())).asc().nulls_last(),
        Feedback.resolve_due.asc().nulls_last(),
        Feedback.acknowledge_due.asc().nulls_last(),
        Feedback.received_at.desc(),
        Feedback.id.desc(),
    )


@blueprint.get("/manage/queue")
@login_required
def manage_queue():
    """The queue of the user's unit subtree: open items first, the nearest due date first; or one tab of it."""
    if not can_use_queue(current_user):
        abort(403)
    filters = _parse_queue_filters(request.args, current_user)
    unit = AdministrativeUnit.by_code(filters["unit"]) if "unit" in filters else current_user.unit
    today = local_today()
    calendar = load_calendar()
    tabs = tab_conditions(today, next_working_day(calendar, today))
    query = (
        _queue_query(unit, filters, today, tabs)
        .options(joinedload(Feedback.unit), joinedload(Feedback.assigned_to))
        .order_by(*_order(filters.get("tab")))
    )
    pagination = paginate(query, page_number(request.args.get("page")), QUEUE_PER_PAGE)
    subtree = select(AdministrativeUnit.id).where(unit.subtree_clause())
    counts, per_tab = _status_counts(subtree), tab_counts(subtree, tabs)
    show_notices = can_use_notice_management(current_user)
    return render_template(
        "feedback/manage/queue.html",
        pagination=pagination,
        flags={item.id: deadline_flag(item, today, calendar) for item in pagination.items},
        unit=unit,
        units=_queue_units(current_user),
        filters=filters,
        counts=counts,
        open_count=sum(count for status, count in counts.items() if status in OPEN_STATUSES),
        overdue_count=per_tab["overdue"],
        tabs=TABS,
        tab_counts=per_tab,
        handler=db.session.get(User, filters["assigned"]) if isinstance(filters.get("assigned"), int) else None,
        notice_groups=notice_groups(unit, today) if show_notices else None,
        week_end=end_of_week(today),
        statuses=STATUSES,
        kinds=FEEDBACK_KINDS,
        today=today,
    )
