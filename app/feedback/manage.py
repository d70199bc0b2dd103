"""Officials' queue under /manage/queue: the list in deadline order, the item page, one POST per action.

Every view loads its item through `_get_item`: 404 for an unknown id, 403 outside the user's units
(and, for actions, for inspectors, who only read). An action the item's status no longer allows
(a second click, a colleague who acted first) or that the law does not allow becomes a Vietnamese
message and a redirect to the item, never a 500.
"""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today
from app.extensions import db
from app.feedback import blueprint, handling
from app.feedback.calendar import load_calendar
from app.feedback.deadlines import working_days_between
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.manage_forms import (
    AcknowledgeForm,
    CloseForm,
    ExtendForm,
    ForwardExternalForm,
    ForwardForm,
    NoteForm,
    ReceiveInformationForm,
    RejectForm,
    ReopenForm,
    ReplyForm,
    RequestInformationForm,
)
from app.feedback.models import Feedback, FeedbackEvent, FeedbackPhoto
from app.feedback.permissions import (
    can_act_on_queue_item,
    can_handle_queue_item,
    can_view_identity,
    can_view_queue,
    can_view_queue_item,
)
from app.feedback.states import OPEN_STATUSES, STATUSES, IllegalTransition
from app.notices.queries import page_number, paginate

MAX_ID = 2**31 - 1
QUEUE_PER_PAGE = 20
DUE_SOON_WORKING_DAYS = 2
PAUSED_STATUS = "waiting_for_citizen"

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
    "note": _l("Ghi chú nội bộ"),
    "rate": _l("Người gửi đánh giá"),
}
# The forms of the item page, in the order they are shown, with the action each one takes.
ACTION_FORMS = {
    "acknowledge": AcknowledgeForm,
    "reply": ReplyForm,
    "request_information": RequestInformationForm,
    "receive_information": ReceiveInformationForm,
    "extend": ExtendForm,
    "forward_internal": ForwardForm,
    "forward_external": ForwardExternalForm,
    "reject": RejectForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "note": NoteForm,
}


def _actor():
    # Services store the user on relationships: hand them the real object, not the proxy.
    return current_user._get_current_object()


def _get_item(item_id, handle=False):
    """Load a queue item: 404 if unknown, 403 if the user may not read it (or, with `handle`, act on it)."""
    item = None
    if item_id <= MAX_ID:
        item = db.session.get(Feedback, item_id, with_for_update=handle or None)
    if item is None:
        abort(404)
    allowed = can_handle_queue_item(current_user, item) if handle else can_view_queue_item(current_user, item)
    if not allowed:
        abort(403)
    return item


# --- the list ---------------------------------------------------------------------------------


def _next_due_column():
    """The date the item must next meet: acceptance while not accepted, else resolution."""
    return case(
        (and_(Feedback.acknowledged_at.is_(None), Feedback.acknowledge_due.is_not(None)), Feedback.acknowledge_due),
        else_=Feedback.resolve_due,
    )


def next_due(item):
    """Python twin of _next_due_column."""
    if item.acknowledged_at is None and item.acknowledge_due is not None:
        return item.acknowledge_due
    return item.resolve_due


def deadline_flag(item, today, calendar):
    """Return ("overdue" | "due_soon" | "paused" | None, the due date it is about)."""
    if item.status not in OPEN_STATUSES:
        return None, None
    due = next_due(item)
    if item.status == PAUSED_STATUS:
        return "paused", due
    if due is None:
        return None, None
    if due < today:
        return "overdue", due
    if working_days_between(calendar, today, due) <= DUE_SOON_WORKING_DAYS:
        return "due_soon", due
    return None, due


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
        if notice.isascii() and notice.isdigit() and int(notice) <= MAX_ID:
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
    return filters


def _queue_query(unit, filters, today):
    subtree = select(AdministrativeUnit.id).where(unit.subtree_clause())
    query = select(Feedback).where(Feedback.unit_id.in_(subtree))
    if "kind" in filters:
        query = query.where(Feedback.kind == filters["kind"])
    if filters.get("status") == "open":
        query = query.where(Feedback.status.in_(OPEN_STATUSES))
    elif "status" in filters:
        query = query.where(Feedback.status == filters["status"])
    if "notice" in filters:
        query = query.where(Feedback.notice_id == filters["notice"])
    if "overdue" in filters:
        query = query.where(Feedback.status.in_(OPEN_STATUSES - {PAUSED_STATUS}), _next_due_column() < today)
    return query


def _status_counts(unit, today):
    subtree = select(AdministrativeUnit.id).where(unit.subtree_clause())
    rows = db.session.execute(
        select(Feedback.status, func.count()).where(Feedback.unit_id.in_(subtree)).group_by(Feedback.status)
    ).all()
    overdue = db.session.scalar(
        select(func.count())
        .select_from(Feedback)
        .where(
            Feedback.unit_id.in_(subtree),
            Feedback.status.in_(OPEN_STATUSES - {PAUSED_STATUS}),
            _next_due_column() < today,
        )
    )
    return dict(rows), overdue


def _page_number():
    return page_number(request.args.get("page"))


@blueprint.get("/manage/queue")
@login_required
def manage_queue():
    """The queue of the user's unit subtree: open items first, the nearest due date first."""
    if not can_view_queue(current_user):
        abort(403)
    filters = _parse_queue_filters(request.args, current_user)
    unit = AdministrativeUnit.by_code(filters["unit"]) if "unit" in filters else current_user.unit
    today = local_today()
    is_open = Feedback.status.in_(OPEN_STATUSES)
    query = (
        _queue_query(unit, filters, today)
        .options(joinedload(Feedback.unit), joinedload(Feedback.assigned_to))
        .order_by(
            case((is_open, 0), else_=1),
            case((is_open, _next_due_column())).asc().nulls_last(),
            Feedback.resolve_due.asc().nulls_last(),
            Feedback.acknowledge_due.asc().nulls_last(),
            Feedback.received_at.desc(),
            Feedback.id.desc(),
        )
    )
    pagination = paginate(query, _page_number(), QUEUE_PER_PAGE)
    calendar = load_calendar()
    counts, overdue_count = _status_counts(unit, today)
    return render_template(
        "feedback/manage/queue.html",
        pagination=pagination,
        flags={item.id: deadline_flag(item, today, calendar) for item in pagination.items},
        unit=unit,
        units=_queue_units(current_user),
        filters=filters,
        counts=counts,
        open_count=sum(count for status, count in counts.items() if status in OPEN_STATUSES),
        overdue_count=overdue_count,
        statuses=STATUSES,
        kinds=FEEDBACK_KINDS,
        today=today,
    )


# --- the item page ----------------------------------------------------------------------------


def _forward_choices(item):
    """Current units of the item's province (the province itself first), except the item's own unit."""
    root = "/" + item.unit.path.strip("/").split("/")[0] + "/"
    units = db.session.scalars(
        select(AdministrativeUnit).where(AdministrativeUnit.path.startswith(root, autoescape=True))
    ).all()
    units = [unit for unit in units if unit.is_current and unit.id != item.unit_id]
    units.sort(key=lambda unit: (unit.path.count("/"), unit.name))
    return [SelectChoice(unit.code, unit.name) for unit in units]


def _prepare(form, action, item):
    """Fill the choices (and, on first display, the defaults) a form needs for this item."""
    if action == "forward_internal":
        form.target_unit.choices = [SelectChoice("", _("– Chọn đơn vị –")), *_forward_choices(item)]
    elif action == "extend":
        form.option.choices = [SelectChoice(option.key, option.label) for option in handling.extension_options(item)]
        if len(form.option.choices) == 1 and not form.is_submitted():
            form.option.data = form.option.choices[0].value
    elif action == "reply" and not form.is_submitted() and handling.can_answer_publicly(item):
        form.public_question.data = item.public_question or item.text
    return form


def _action_forms(item, bound=None):
    """The forms for every action the user may take on the item now."""
    forms = {}
    for action, form_class in ACTION_FORMS.items():
        if not can_act_on_queue_item(current_user, item, action):
            continue
        if action == "extend" and not handling.extension_options(item):
            continue
        if bound is not None and bound[0] == action:
            forms[action] = bound[1]
        else:
            forms[action] = _prepare(form_class(formdata=None, prefix=action), action, item)
    return forms


def _render_item(item, bound=None, show_identity=False):
    calendar = load_calendar()
    today = local_today()
    events = db.session.scalars(
        select(FeedbackEvent)
        .where(FeedbackEvent.feedback_id == item.id)
        .options(joinedload(FeedbackEvent.actor).joinedload(User.unit))
        .order_by(FeedbackEvent.id)
    ).all()
    return render_template(
        "feedback/manage/item.html",
        item=item,
        events=events,
        forms=_action_forms(item, bound),
        flag=deadline_flag(item, today, calendar),
        periods=handling.due_date_explanations(item, calendar),
        show_identity=show_identity,
        may_view_identity=can_view_identity(current_user, item),
        may_answer_publicly=handling.can_answer_publicly(item),
        action_labels=ACTION_LABELS,
        statuses=STATUSES,
        kinds=FEEDBACK_KINDS,
        iso_date=_iso_date_text,
    )


def _iso_date_text(text):
    """ "2026-03-06" → "06/03/2026" (dates kept in event data); "–" for none."""
    if not text:
        return "–"
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(text)


@blueprint.get("/manage/queue/<int:item_id>")
@login_required
def manage_show_item(item_id):
    """The item with its full history, due dates and the actions allowed now.

    A denouncer's identity is shown only to the assigned handler, on request, and each showing is
    recorded (an internal event and an audit entry).
    """
    item = (
        db.session.get(
            Feedback,
            item_id,
            options=[joinedload(Feedback.unit), selectinload(Feedback.photos), selectinload(Feedback.events)],
        )
        if item_id <= MAX_ID
        else None
    )
    if item is None:
        abort(404)
    if not can_view_queue_item(current_user, item):
        abort(403)
    show_identity = False
    if can_view_identity(current_user, item):
        if item.kind != "denunciation":
            show_identity = True
        elif request.args.get("identity") == "1":
            handling.view_identity(item, _actor())
            db.session.commit()
            show_identity = True
    return _render_item(item, show_identity=show_identity)


@blueprint.get("/manage/queue/<int:item_id>/photos/<int:photo_id>")
@login_required
def manage_photo(item_id, photo_id):
    """A citizen's photo, for the officials and inspectors who may read the item; never cached publicly."""
    from app.feedback.photos import photo_path

    item = _get_item(item_id)
    photo = db.session.get(FeedbackPhoto, photo_id) if photo_id <= MAX_ID else None
    if photo is None or photo.feedback_id != item.id:
        abort(404)
    path = photo_path(photo.stored_name)
    if not path.is_file():
        current_app.logger.error("Photo %s of item %s is missing on disk", photo.id, item.id)
        abort(404)
    response = send_file(path, mimetype=photo.media_type, conditional=True, etag=photo.sha256)
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- actions ----------------------------------------------------------------------------------


def _item_url(item, anchor=None):
    return url_for("feedback.manage_show_item", item_id=item.id, _anchor=anchor)


def _refused_message(item):
    status = STATUSES.get(item.status, item.status)
    return _(
        "Ý kiến đang ở trạng thái “%(status)s” nên không thực hiện được thao tác này "
        "(có thể một cán bộ khác vừa xử lý). Hãy xem lại trang rồi chọn thao tác phù hợp.",
        status=status,
    )


def _perform(item, service, *arguments, success, next_url=None):
    """Run one service, commit, flash and redirect; refusals roll back and explain."""
    try:
        service(item, _actor(), *arguments)
    except IllegalTransition:
        db.session.rollback()
        flash(_refused_message(item), "error")
        return redirect(_item_url(item))
    except handling.HandlingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(_item_url(item))
    db.session.commit()
    flash(success, "success")
    return redirect(next_url or _item_url(item))


def _submitted_form(item, action):
    """The action's form bound to the request, or a redirect if the action is not possible now."""
    form = _prepare(ACTION_FORMS[action](prefix=action), action, item)
    return form


def _invalid(item, action, form):
    if not can_act_on_queue_item(current_user, item, action):
        # A form posted for an action the status no longer allows: explain rather than show the form.
        flash(_refused_message(item), "error")
        return redirect(_item_url(item))
    flash(_("Chưa thực hiện được: vui lòng sửa các ô được đánh dấu bên dưới."), "error")
    return _render_item(item, bound=(action, form))


@blueprint.post("/manage/queue/<int:item_id>/acknowledge")
@login_required
def manage_acknowledge(item_id):
    """Accept the item (thụ lý)."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "acknowledge")
    if not form.validate_on_submit():
        return _invalid(item, "acknowledge", form)
    return _perform(item, handling.acknowledge, form.circumstance.data or None, success=_("Đã thụ lý ý kiến."))


@blueprint.post("/manage/queue/<int:item_id>/reject")
@login_required
def manage_reject(item_id):
    """Refuse the item with a public reason."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "reject")
    if not form.validate_on_submit():
        return _invalid(item, "reject", form)
    return _perform(item, handling.reject, form.reason.data, success=_("Đã ghi nhận không thụ lý, kèm lý do."))


@blueprint.post("/manage/queue/<int:item_id>/request-information")
@login_required
def manage_request_information(item_id):
    """Ask the citizen for more information; the clock stops."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "request_information")
    if not form.validate_on_submit():
        return _invalid(item, "request_information", form)
    return _perform(
        item,
        handling.request_information,
        form.message.data,
        success=_("Đã gửi đề nghị bổ sung; thời hạn tạm dừng cho đến khi người gửi bổ sung."),
    )


@blueprint.post("/manage/queue/<int:item_id>/receive-information")
@login_required
def manage_receive_information(item_id):
    """Record what the citizen added; the clock runs again."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "receive_information")
    if not form.validate_on_submit():
        return _invalid(item, "receive_information", form)
    return _perform(
        item,
        handling.receive_information,
        form.text.data,
        success=_("Đã ghi nhận thông tin bổ sung; thời hạn được tính tiếp."),
    )


@blueprint.post("/manage/queue/<int:item_id>/reply")
@login_required
def manage_reply(item_id):
    """Answer the citizen; a question on a notice may be answered publicly."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "reply")
    if not form.validate_on_submit():
        return _invalid(item, "reply", form)
    is_public = bool(form.is_public.data)
    return _perform(
        item,
        handling.reply,
        form.answer_html.data,
        is_public,
        form.public_question.data,
        success=_("Đã trả lời và công khai trên trang thông báo.") if is_public else _("Đã gửi câu trả lời."),
    )


@blueprint.post("/manage/queue/<int:item_id>/forward")
@login_required
def manage_forward(item_id):
    """Send the item to another unit of the system; it leaves this queue."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "forward_internal")
    if not form.validate_on_submit():
        return _invalid(item, "forward_internal", form)
    target = AdministrativeUnit.by_code(form.target_unit.data)
    return _perform(
        item,
        handling.forward,
        target,
        form.reason.data,
        success=_("Đã chuyển ý kiến đến %(unit)s.", unit=target.name if target else ""),
        next_url=url_for("feedback.manage_queue"),
    )


@blueprint.post("/manage/queue/<int:item_id>/forward-external")
@login_required
def manage_forward_external(item_id):
    """Send the item to an agency outside the system."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "forward_external")
    if not form.validate_on_submit():
        return _invalid(item, "forward_external", form)
    return _perform(
        item,
        handling.forward_external,
        form.agency_name.data,
        form.reason.data,
        success=_("Đã ghi nhận chuyển ý kiến đến %(agency)s.", agency=form.agency_name.data),
    )


@blueprint.post("/manage/queue/<int:item_id>/extend")
@login_required
def manage_extend(item_id):
    """Lengthen a period where the law allows it."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "extend")
    if not form.option.choices:
        # Nothing to choose from: let the service say why the law does not allow it.
        return _perform(item, handling.extend, form.reason.data or "", None, success="")
    if not form.validate_on_submit():
        return _invalid(item, "extend", form)
    return _perform(item, handling.extend, form.reason.data, form.option.data, success=_("Đã gia hạn."))


@blueprint.post("/manage/queue/<int:item_id>/close")
@login_required
def manage_close(item_id):
    """End the handling of the item."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "close")
    if not form.validate_on_submit():
        abort(400)
    return _perform(item, handling.close, success=_("Đã kết thúc ý kiến."))


@blueprint.post("/manage/queue/<int:item_id>/reopen")
@login_required
def manage_reopen(item_id):
    """Take the item up again."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "reopen")
    if not form.validate_on_submit():
        return _invalid(item, "reopen", form)
    return _perform(item, handling.reopen, form.reason.data, success=_("Đã mở lại ý kiến."))


@blueprint.post("/manage/queue/<int:item_id>/notes")
@login_required
def manage_add_note(item_id):
    """Add an internal note."""
    item = _get_item(item_id, handle=True)
    form = _submitted_form(item, "note")
    if not form.validate_on_submit():
        return _invalid(item, "note", form)
    return _perform(item, handling.add_note, form.text.data, success=_("Đã thêm ghi chú nội bộ."))


from app.feedback import admin  # noqa: E402, F401  (registers /manage/deadlines on this blueprint)
