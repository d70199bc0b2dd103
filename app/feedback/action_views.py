"""The officials' actions on one queue item: one POST each, all driven by the table ACTION_ROUTES.

Each route reads its form, runs one service of app.feedback.actions, commits, and redirects with a
message. An action the item's status no longer allows (a second click, a colleague who acted first)
or that the law does not allow becomes a Vietnamese message and a redirect to the item, never a 500.
URLs and endpoint names are contracts: `url_for("feedback.manage_reply", item_id=…)` and the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import AdministrativeUnit
from app.accounts.sessions import current_actor
from app.extensions import db
from app.feedback import actions, blueprint
from app.feedback.identity_forms import submitted_key
from app.feedback.item_views import get_item, prepare_form, render_item
from app.feedback.manage_forms import ACTION_FORMS
from app.feedback.permissions import can_act_on_queue_item, may_take_action
from app.feedback.states import STATUSES, IllegalTransition


@dataclass(frozen=True)
class ActionRoute:
    """One POST of the item page: its endpoint and URL, the form it reads, the service it runs."""

    endpoint: str  # the view's name, so "feedback.<endpoint>" for url_for
    path: str  # after /manage/queue/<item_id>/
    summary: str  # the view's docstring
    action: str  # the key of its form in ACTION_FORMS
    service: Callable  # service(item, actor, *arguments)
    arguments: Callable  # form -> the service's arguments after (item, actor)
    success: Callable  # *arguments -> the message once it is done
    redirect_to: str | None = None  # the endpoint to go to afterwards; the item's page when None
    invalid_is_bad_request: bool = False  # a form with nothing to fill in fails only on a bad CSRF token
    # When true for the posted form, the service runs unvalidated so that it says why it refuses.
    runs_unvalidated: Callable | None = None


def _forward_arguments(form):
    # A sealed denunciation: the boxes sealed again in the browser, or (JavaScript off) the unit's private key,
    # read in memory for this request only.
    target = AdministrativeUnit.by_code(form.target_unit.data)
    return target, form.reason.data, submitted_key(form), form.resealed.data or None


def _reply_success(answer_html, is_public, public_question):
    return _("Đã trả lời và công khai trên trang thông báo.") if is_public else _("Đã gửi câu trả lời.")


ACTION_ROUTES = (
    ActionRoute(
        "manage_acknowledge",
        "acknowledge",
        "Accept the item (thụ lý).",
        "acknowledge",
        actions.acknowledge,
        lambda form: (form.circumstance.data or None,),
        lambda circumstance: _("Đã thụ lý ý kiến."),
    ),
    ActionRoute(
        "manage_reject",
        "reject",
        "Refuse the item with a public reason.",
        "reject",
        actions.reject,
        lambda form: (form.reason.data,),
        lambda reason: _("Đã ghi nhận không thụ lý, kèm lý do."),
    ),
    ActionRoute(
        "manage_request_information",
        "request-information",
        "Ask the citizen for more information; the clock stops.",
        "request_information",
        actions.request_information,
        lambda form: (form.message.data,),
        lambda message: _("Đã gửi đề nghị bổ sung; thời hạn tạm dừng cho đến khi người gửi bổ sung."),
    ),
    ActionRoute(
        "manage_receive_information",
        "receive-information",
        "Record what the citizen added; the clock runs again.",
        "receive_information",
        actions.receive_information,
        lambda form: (form.text.data,),
        lambda text: _("Đã ghi nhận thông tin bổ sung; thời hạn được tính tiếp."),
    ),
    ActionRoute(
        "manage_reply",
        "reply",
        "Answer the citizen; a question on a notice may be answered publicly.",
        "reply",
        actions.reply,
        lambda form: (form.answer_html.data, bool(form.is_public.data), form.public_question.data),
        _reply_success,
    ),
    ActionRoute(
        "manage_forward",
        "forward",
        "Send the item to another unit of the system; it leaves this queue.",
        "forward_internal",
        actions.forward,
        _forward_arguments,
        lambda target, reason, key, resealed: _("Đã chuyển ý kiến đến %(unit)s.", unit=target.name if target else ""),
        redirect_to="feedback.manage_queue",
    ),
    ActionRoute(
        "manage_forward_external",
        "forward-external",
        "Send the item to an agency outside the system.",
        "forward_external",
        actions.forward_external,
        lambda form: (form.agency_name.data, form.reason.data),
        lambda agency, reason: _("Đã ghi nhận chuyển ý kiến đến %(agency)s.", agency=agency),
    ),
    ActionRoute(
        "manage_extend",
        "extend",
        "Lengthen a period where the law allows it.",
        "extend",
        actions.extend,
        lambda form: (form.reason.data or "", form.option.data if form.option.choices else None),
        lambda reason, option: _("Đã gia hạn."),
        # Nothing to choose from: let the service say why the law does not allow it.
        runs_unvalidated=lambda form: not form.option.choices,
    ),
    ActionRoute(
        "manage_close",
        "close",
        "End the handling of the item.",
        "close",
        actions.close,
        lambda form: (),
        lambda: _("Đã kết thúc ý kiến."),
        invalid_is_bad_request=True,
    ),
    ActionRoute(
        "manage_reopen",
        "reopen",
        "Take the item up again.",
        "reopen",
        actions.reopen,
        lambda form: (form.reason.data,),
        lambda reason: _("Đã mở lại ý kiến."),
    ),
    ActionRoute(
        "manage_assign",
        "assign",
        "Give the item to an official of its unit to handle; they are told.",
        "assign",
        actions.assign,
        lambda form: (form.official.data, form.reason.data or ""),
        lambda official_id, reason: _("Đã giao ý kiến cho cán bộ xử lý."),
    ),
    ActionRoute(
        "manage_add_note",
        "notes",
        "Add an internal note.",
        "note",
        actions.add_note,
        lambda form: (form.text.data,),
        lambda text: _("Đã thêm ghi chú nội bộ."),
    ),
)


def _item_url(item):
    return url_for("feedback.manage_show_item", item_id=item.id)


def _refused_message(item):
    status = STATUSES.get(item.status, item.status)
    return _(
        "Ý kiến đang ở trạng thái “%(status)s” nên không thực hiện được thao tác này "
        "(có thể một cán bộ khác vừa xử lý). Hãy xem lại trang rồi chọn thao tác phù hợp.",
        status=status,
    )


def _perform(item, route, arguments):
    """Run the route's service, commit, flash and redirect; refusals roll back and explain."""
    try:
        route.service(item, current_actor(), *arguments)
    except IllegalTransition:
        db.session.rollback()
        flash(_refused_message(item), "error")
        return redirect(_item_url(item))
    except actions.HandlingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(_item_url(item))
    db.session.commit()
    flash(route.success(*arguments), "success")
    return redirect(url_for(route.redirect_to) if route.redirect_to else _item_url(item))


def _invalid(item, action, form):
    if not can_act_on_queue_item(current_user, item, action):
        # A form posted for an action the status no longer allows: explain rather than show the form.
        flash(_refused_message(item), "error")
        return redirect(_item_url(item))
    flash(_("Chưa thực hiện được: vui lòng sửa các ô được đánh dấu bên dưới."), "error")
    return render_item(item, bound=(action, form))


def handle_action(route, item_id):
    """Load the item for handling, read the route's form, and run its service or show what to fix."""
    item = get_item(item_id, handle=True)
    if not may_take_action(current_user, item, route.action):
        abort(403)
    form = prepare_form(ACTION_FORMS[route.action](prefix=route.action), route.action, item)
    if route.runs_unvalidated is not None and route.runs_unvalidated(form):
        return _perform(item, route, route.arguments(form))
    if not form.validate_on_submit():
        if route.invalid_is_bad_request:
            abort(400)
        return _invalid(item, route.action, form)
    return _perform(item, route, route.arguments(form))


def _view(route):
    def view(item_id):
        return handle_action(route, item_id)

    view.__name__ = view.__qualname__ = route.endpoint
    view.__doc__ = route.summary
    return login_required(view)


for _route in ACTION_ROUTES:
    blueprint.add_url_rule(f"/manage/queue/<int:item_id>/{_route.path}", view_func=_view(_route), methods=["POST"])
