"""The second factor under /account/two-factor, "sign out everywhere", and what a manager does for a user.

Recovery codes are shown once, in the answer to the POST that made them, never stored in clear nor cached.
"""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.accounts import blueprint, sessions, totp
from app.accounts.account_views import signed_in_user
from app.accounts.lockout import unlock_account
from app.accounts.own_account import sign_out_everywhere as end_every_session
from app.accounts.recovery_codes import codes_left
from app.accounts.services import AccountError
from app.accounts.two_factor import (
    AccountLocked,
    enable_second_factor,
    enrolment_secret,
    enrolment_uri,
    is_required,
    must_enrol,
    regenerate_recovery_codes,
    reset_second_factor,
    turn_off_second_factor,
)
from app.accounts.two_factor_forms import CurrentCodeForm, EnrolmentForm
from app.accounts.user_forms import ConfirmForm
from app.accounts.user_views import confirmed_user_change
from app.errors import show_form_error
from app.extensions import db


def _private(page, status=200):
    """A page holding a secret (the QR code, recovery codes): no browser or proxy may keep a copy."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_enrolment(user, form=None, status=200):
    secret = enrolment_secret(user)
    db.session.commit()  # the secret of the enrolment in progress: a reload shows the same QR code
    page = render_template(
        "accounts/two_factor_enrol.html",
        user=user,
        form=form or EnrolmentForm(),
        qr_code=totp.qr_png_data_uri(enrolment_uri(user, secret)),
        secret=totp.grouped(secret),
        forced=must_enrol(user),
    )
    return _private(page, status)


def _render_status(user, regenerate_form=None, off_form=None, status=200):
    page = render_template(
        "accounts/two_factor.html",
        user=user,
        codes_left=codes_left(user),
        is_required=is_required(),
        regenerate_form=regenerate_form or CurrentCodeForm(prefix="regenerate"),
        off_form=off_form or CurrentCodeForm(prefix="off"),
    )
    return _private(page, status)


def _render_codes(user, codes):
    return _private(render_template("accounts/recovery_codes.html", user=user, codes=codes))


@blueprint.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Enrol an authenticator app (QR code, then a first code), or see and change the second factor."""
    user = signed_in_user()
    if user.has_second_factor:
        return _render_status(user)
    form = EnrolmentForm()
    if not form.validate_on_submit():
        return _render_enrolment(user, form, 400 if form.is_submitted() else 200)
    try:
        codes = enable_second_factor(user, form.code.data)
    except AccountError as error:
        db.session.rollback()
        show_form_error(form, error)
        return _render_enrolment(user, form, 400)
    db.session.commit()
    sessions.carry_on(user)  # every other session, opened with the password alone, has ended
    flash(_("Đã bật xác thực hai lớp. Các phiên đăng nhập khác của bạn đã kết thúc."), "info")
    return _render_codes(user, codes)


def _refused(user, error, form, render):
    """A wrong code counts towards the lockout (commit it); at the limit, this session ends too."""
    db.session.commit()
    if isinstance(error, AccountLocked):
        sessions.end_session()
        flash(error.message, "error")
        return redirect(url_for("accounts.login"))
    show_form_error(form, error)
    return render()


@blueprint.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_recovery_codes():
    """Make ten new recovery codes (the old ones stop working); needs a current code."""
    user = signed_in_user()
    if not user.has_second_factor:
        return redirect(url_for("accounts.two_factor"))
    form = CurrentCodeForm(prefix="regenerate")
    if not form.validate_on_submit():
        return _render_status(user, regenerate_form=form, status=400)
    try:
        codes = regenerate_recovery_codes(user, form.code.data)
    except AccountError as error:
        return _refused(user, error, form, lambda: _render_status(user, regenerate_form=form, status=400))
    db.session.commit()
    return _render_codes(user, codes)


@blueprint.post("/account/two-factor/off")
@login_required
def two_factor_off():
    """Turn the second factor off (when required: start again with another app); needs a current code."""
    user = signed_in_user()
    if not user.has_second_factor:
        return redirect(url_for("accounts.two_factor"))
    form = CurrentCodeForm(prefix="off")
    if not form.validate_on_submit():
        return _render_status(user, off_form=form, status=400)
    try:
        turn_off_second_factor(user, form.code.data)
    except AccountError as error:
        return _refused(user, error, form, lambda: _render_status(user, off_form=form, status=400))
    db.session.commit()
    if is_required():
        flash(_("Đã gỡ ứng dụng xác thực cũ. Hãy quét mã QR mới để đăng ký lại ngay."), "info")
    else:
        flash(_("Đã tắt xác thực hai lớp."), "info")
    return redirect(url_for("accounts.two_factor"))


@blueprint.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the signed-in user, on every device, this one included."""
    user = signed_in_user()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    end_every_session(user)
    db.session.commit()
    sessions.end_session()
    flash(_("Đã đăng xuất khỏi mọi thiết bị. Vui lòng đăng nhập lại."), "info")
    return redirect(url_for("accounts.login"))


@blueprint.post("/manage/users/<int:user_id>/two-factor/reset")
@login_required
def reset_second_factor_of_user(user_id):
    return confirmed_user_change(
        user_id,
        reset_second_factor,
        _("Đã đặt lại xác thực hai lớp; các phiên đăng nhập của người này đã kết thúc, lần tới họ đăng ký lại."),
    )


@blueprint.post("/manage/users/<int:user_id>/unlock")
@login_required
def unlock_user(user_id):
    return confirmed_user_change(user_id, unlock_account, _("Đã mở khóa đăng nhập."))
