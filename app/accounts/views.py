"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import blueprint, sessions
from app.accounts.forms import LoginForm
from app.accounts.services import authenticate, note_login
from app.extensions import db, limiter, login_manager

login_manager.user_loader(sessions.load_user)
blueprint.before_app_request(sessions.require_password_change)


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


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workspaces.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        else:
            login_user(user, remember=form.remember.data)
            note_login(user)
            db.session.commit()
            if user.must_change_password:
                flash(_("Mật khẩu của bạn là mật khẩu tạm thời. Vui lòng đặt mật khẩu mới trước khi làm việc."), "info")
                return redirect(url_for("accounts.change_password"))
            # /manage sends each role to its own home (the official's queue, the leader's overview, …).
            return redirect(_safe_next(request.args.get("next")) or url_for("workspaces.home"))
    return render_template("accounts/login.html", form=form)


@blueprint.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("notices.index"))
