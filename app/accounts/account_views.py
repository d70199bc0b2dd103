"""A user's own account under /account: details, password, how they are told; and the one-time reset link."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import blueprint
from app.accounts.account_forms import NewPasswordForm, NotificationSettingsForm, PasswordChangeForm, ProfileForm
from app.accounts.notification_settings import change_notify_by
from app.accounts.own_account import change_password as change_own_password
from app.accounts.own_account import update_profile
from app.accounts.password_resets import find_reset
from app.accounts.password_resets import use_reset_link as use_link
from app.accounts.permissions import can_edit_own_account
from app.accounts.services import AccountError
from app.accounts.sessions import current_actor
from app.errors import show_form_error
from app.extensions import db
from app.phones import format_local


def signed_in_user():
    """The signed-in user, who may edit their own account (else 403), as services store it."""
    if not can_edit_own_account(current_user):
        abort(403)
    return current_actor()


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def edit_account():
    user = signed_in_user()
    form = ProfileForm(data={"display_name": user.display_name, "email": user.email, "phone": format_local(user.phone)})
    if form.validate_on_submit():
        try:
            changed = update_profile(user, form.display_name.data, form.email.data, form.phone.data)
        except AccountError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu thông tin tài khoản.") if changed else _("Không có gì thay đổi."), "info")
            return redirect(url_for("accounts.edit_account"))
    return render_template("accounts/account.html", form=form, user=user)


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = signed_in_user()
    form = PasswordChangeForm(user.username)
    if form.validate_on_submit():
        try:
            change_own_password(user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            # The new session version ended every session of this user; this one carries on with it.
            login_user(user)
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."), "info")
            return redirect(url_for("accounts.edit_account"))
    return render_template("accounts/password.html", form=form, user=user, forced=user.must_change_password)


@blueprint.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    """Choose how new items and the daily digest reach you: e-mail, SMS or none."""
    user = signed_in_user()
    # The current choice is shown, never assumed: a POST without one is refused.
    form = NotificationSettingsForm(data={"notify_by": user.notify_by} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = change_notify_by(user, form.notify_by.data)
        except AccountError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu cách nhận thông báo.") if changed else _("Không có gì thay đổi."), "info")
            return redirect(url_for("accounts.notification_settings"))
    return render_template(
        "accounts/notifications.html", form=form, user=user, phone=format_local(user.phone) if user.phone else ""
    )


def _private(response, status=200):
    """The reset page carries its token in the URL: no cache keeps it, no link sends it on as a referrer."""
    response = make_response(response, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blueprint.route("/account/reset/<token>", methods=["GET", "POST"])
def use_reset_link(token):
    reset = find_reset(token)
    if reset is None:
        return _private(render_template("accounts/reset_invalid.html"), 404)
    form = NewPasswordForm(reset.user.username)
    if form.validate_on_submit():
        try:
            use_link(token, form.new_password.data)
        except AccountError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Đã đặt mật khẩu mới. Mời bạn đăng nhập."), "info")
            return redirect(url_for("accounts.login"))
    return _private(render_template("accounts/reset.html", form=form, user=reset.user))
