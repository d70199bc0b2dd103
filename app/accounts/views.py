"""Sign in (the password, then the code of a second factor) and sign out."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import blueprint, sessions
from app.accounts.forms import LoginForm, SignInCodeForm
from app.accounts.recovery_codes import codes_left
from app.accounts.sign_in import SignInRefused, check_code, check_password, complete_sign_in
from app.accounts.two_factor import must_enrol
from app.extensions import db, limiter, login_manager

login_manager.user_loader(sessions.load_user)
# In this order: an expired session ends first; a temporary password is changed before a second factor is enrolled.
blueprint.before_app_request(sessions.enforce_session_limits)
blueprint.before_app_request(sessions.require_password_change)
blueprint.before_app_request(sessions.require_second_factor)

# Below this many unused recovery codes, a sign-in with one suggests making new ones.
FEW_RECOVERY_CODES = 3


def _safe_next(target):
    """Only follow a next= that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    # Browsers read a backslash as a slash, so "/\\host" would leave the site like "//host".
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _finish_sign_in(user, remember, next_url, second_factor=None):
    complete_sign_in(user, second_factor)
    db.session.commit()
    sessions.start_session(user, remember)
    if user.must_change_password:
        flash(_("Mật khẩu của bạn là mật khẩu tạm thời. Vui lòng đặt mật khẩu mới trước khi làm việc."), "info")
        return redirect(url_for("accounts.change_password"))
    if must_enrol(user):
        flash(_("Tài khoản cán bộ phải bật xác thực hai lớp trước khi làm việc."), "info")
        return redirect(url_for("accounts.two_factor"))
    if second_factor == "recovery_code":
        left = codes_left(user)
        flash(_("Bạn vừa dùng một mã dự phòng; còn %(count)s mã chưa dùng.", count=left), "info")
        if left < FEW_RECOVERY_CODES:
            return redirect(url_for("accounts.two_factor"))
    # /manage sends each role to its own home (the official's queue, the leader's overview, …).
    return redirect(_safe_next(next_url) or url_for("workspaces.home"))


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workspaces.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = check_password(form.username.data, form.password.data)
        except SignInRefused as refusal:
            db.session.commit()  # the failure counts, and a lockout is audited
            flash(refusal.message, "error")
        else:
            next_url = _safe_next(request.args.get("next"))
            if not user.has_second_factor:
                return _finish_sign_in(user, form.remember.data, next_url)
            db.session.commit()  # a password hash upgraded by the check
            sessions.begin_pending_sign_in(user, form.remember.data, next_url)
            return redirect(url_for("accounts.login_code"))
    return render_template("accounts/login.html", form=form)


@blueprint.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    """The second step: a code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("workspaces.home"))
    pending = sessions.pending_sign_in()
    if pending is None:
        flash(_("Phiên đăng nhập đã hết hạn (5 phút). Vui lòng nhập lại mật khẩu."), "info")
        return redirect(url_for("accounts.login"))
    user, remember, next_url = pending
    form = SignInCodeForm()
    if form.validate_on_submit():
        try:
            method = check_code(user, form.code.data)
        except SignInRefused as refusal:
            db.session.commit()
            if refusal.is_locked:
                sessions.drop_pending_sign_in()
                flash(refusal.message, "error")
                return redirect(url_for("accounts.login"))
            form.code.errors = [*form.code.errors, refusal.message]
        else:
            return _finish_sign_in(user, remember, next_url, method)
    return render_template("accounts/login_code.html", form=form)


@blueprint.post("/logout")
@login_required
def logout():
    sessions.end_session()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("notices.index"))
