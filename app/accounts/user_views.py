"""User management under /manage/users: leaders for their commune, administrators under their unit.

Every view loads its account through `_get_user`, which answers 404 for unknown ids and 403 for an account
outside the manager's scope. A new or reset password is shown once, in the answer to the POST, never stored.
"""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import blueprint
from app.accounts.models import AdministrativeUnit, User
from app.accounts.password_resets import RESET_LINK_LIFETIME, issue_reset_link, set_temporary_password
from app.accounts.permissions import assignable_roles, can_edit_user, can_manage_users
from app.accounts.services import AccountError
from app.accounts.sessions import current_actor
from app.accounts.user_admin import change_role_and_unit, deactivate_account, open_account, reactivate_account
from app.accounts.user_forms import (
    ConfirmForm,
    HandoverForm,
    RoleAndUnitForm,
    UserCreateForm,
    role_choices,
    unit_choices,
)
from app.accounts.user_queries import MAX_SEARCH_LENGTH, assignable_units, managed_users_page, page_number
from app.errors import show_form_error
from app.extensions import db
from app.urls import public_url


def _manager():
    if not can_manage_users(current_user):
        abort(403)
    return current_actor()


def managed_user(user_id):
    """Load an account the signed-in manager manages: 404 if unknown, 403 outside their scope."""
    manager = _manager()
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not can_edit_user(manager, user):
        abort(403)
    return manager, user


def _fill_choices(form, manager, current_unit=None):
    form.role.choices = role_choices(assignable_roles(manager))
    form.unit.choices = unit_choices(assignable_units(manager, current_unit))


def _chosen_unit(form):
    unit = AdministrativeUnit.by_code(form.unit.data)
    if unit is None:
        abort(400)
    return unit


def _hand_over(manager, user, how, created=False):
    """Reset `user`'s password as chosen and render the page that shows it once."""
    if how == "temporary":
        secret = {"temporary_password": set_temporary_password(manager, user)}
    else:
        token = issue_reset_link(manager, user)
        secret = {"reset_url": public_url("accounts.use_reset_link", token=token)}
    db.session.commit()
    hours = int(RESET_LINK_LIFETIME.total_seconds() // 3600)
    page = render_template("accounts/users/handover.html", user=user, created=created, hours=hours, **secret)
    response = make_response(page)
    # The page holds a secret: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/manage/users")
@login_required
def list_users():
    manager = _manager()
    search = (request.args.get("q") or "").strip()[:MAX_SEARCH_LENGTH]
    pagination = managed_users_page(manager, search, page_number(request.args.get("page")))
    return render_template("accounts/users/list.html", pagination=pagination, search=search)


@blueprint.route("/manage/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    manager = _manager()
    form = UserCreateForm()
    _fill_choices(form, manager)
    if form.validate_on_submit():
        try:
            user = open_account(
                manager,
                form.username.data,
                form.display_name.data,
                form.role.data,
                _chosen_unit(form),
                email=form.email.data,
                phone=form.phone.data,
            )
        except AccountError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            return _hand_over(manager, user, form.handover.data, created=True)
    return render_template("accounts/users/new.html", form=form)


def _render_user(manager, user, role_form=None, handover_form=None, status=200):
    if role_form is None:
        role_form = RoleAndUnitForm(data={"role": user.role, "unit": user.unit.code})
    _fill_choices(role_form, manager, user.unit)
    page = render_template(
        "accounts/users/show.html",
        user=user,
        role_form=role_form,
        handover_form=handover_form or HandoverForm(),
    )
    return page, status


@blueprint.get("/manage/users/<int:user_id>")
@login_required
def show_user(user_id):
    manager, user = managed_user(user_id)
    return _render_user(manager, user)


@blueprint.post("/manage/users/<int:user_id>/edit")
@login_required
def edit_user(user_id):
    manager, user = managed_user(user_id)
    form = RoleAndUnitForm()
    _fill_choices(form, manager, user.unit)
    if not form.validate_on_submit():
        return _render_user(manager, user, role_form=form, status=400)
    try:
        changed = change_role_and_unit(manager, user, form.role.data, _chosen_unit(form))
    except AccountError as error:
        db.session.rollback()
        show_form_error(form, error)
        return _render_user(manager, user, role_form=form, status=400)
    db.session.commit()
    flash(
        _("Đã đổi vai trò, đơn vị; người dùng phải đăng nhập lại.") if changed else _("Không có gì thay đổi."), "info"
    )
    return redirect(url_for("accounts.show_user", user_id=user.id))


def confirmed_user_change(user_id, change, message):
    """A manager's confirmed POST on an account they manage: `change(manager, user)`, then back to its page
    with `message`, or with the service's refusal."""
    manager, user = managed_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(manager, user)
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "info")
    return redirect(url_for("accounts.show_user", user_id=user.id))


@blueprint.post("/manage/users/<int:user_id>/deactivate")
@login_required
def deactivate_user(user_id):
    return confirmed_user_change(
        user_id, deactivate_account, _("Đã khóa tài khoản; các phiên đăng nhập của họ đã kết thúc.")
    )


@blueprint.post("/manage/users/<int:user_id>/reactivate")
@login_required
def reactivate_user(user_id):
    return confirmed_user_change(user_id, reactivate_account, _("Đã mở lại tài khoản."))


@blueprint.post("/manage/users/<int:user_id>/reset")
@login_required
def reset_password(user_id):
    manager, user = managed_user(user_id)
    form = HandoverForm()
    if not form.validate_on_submit():
        return _render_user(manager, user, handover_form=form, status=400)
    if not user.is_active:
        flash(_("Tài khoản đang bị khóa: hãy mở lại trước khi đặt lại mật khẩu."), "error")
        return redirect(url_for("accounts.show_user", user_id=user.id))
    return _hand_over(manager, user, form.handover.data)
