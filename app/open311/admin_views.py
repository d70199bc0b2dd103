"""/manage/admin/apikeys: an administrator lists, makes (the key shown once) and revokes Open311 API keys."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.accounts.permissions import can_use_administration
from app.extensions import db
from app.notices.forms import TextForm
from app.open311.blueprints import admin_blueprint
from app.open311.keys import KeyProblem, create_key, list_keys, revoke_key
from app.open311.places import unit_by_code


class ApiKeyForm(TextForm):
    name = StringField(
        _l("Tên khóa (hệ thống dùng khóa)"),
        validators=[
            DataRequired(_l("Vui lòng ghi tên khóa, ví dụ tên hệ thống sẽ dùng nó.")),
            Length(max=80, message=_l("Tên khóa tối đa 80 ký tự.")),
        ],
    )
    unit = StringField(
        _l("Mã đơn vị được gửi ý kiến đến (để trống: đơn vị của bạn)"),
        validators=[Length(max=16, message=_l("Mã đơn vị tối đa 16 ký tự."))],
    )


class RevokeForm(TextForm):
    """Only the CSRF token: the key is named in the URL."""


def _require_admin():
    if not can_use_administration(current_user):
        abort(403)


def _manages(key):
    """An administrator manages the keys of their unit and the units under it; a key bound to no unit (made
    with `flask apikeys create` without --unit) posts anywhere, so only an administrator of a top unit does."""
    mine = current_user.unit
    if key.unit is None:
        return mine.parent_id is None
    return mine.contains(key.unit)


def _page(form, new_key=None, status=200):
    keys = [key for key in list_keys() if _manages(key)]
    return (
        render_template("open311/apikeys.html", form=form, keys=keys, new_key=new_key, revoke_form=RevokeForm()),
        status,
    )


@admin_blueprint.get("/manage/admin/apikeys")
@login_required
def list_api_keys():
    """The keys: name, unit, created, last used, revoked; and the form to make one."""
    _require_admin()
    return _page(ApiKeyForm())


@admin_blueprint.post("/manage/admin/apikeys")
@login_required
def create_api_key():
    """Make a key and show its text once, on this answer only (never stored in clear)."""
    _require_admin()
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    code = (form.unit.data or "").strip()
    unit = unit_by_code(code) if code else current_user.unit
    if code and unit is None:
        form.unit.errors.append(_("Không có đơn vị mã “%(code)s”.", code=code))
        return _page(form, status=400)
    if unit is not None and not current_user.unit.contains(unit):
        form.unit.errors.append(_("Bạn chỉ cấp được khóa cho đơn vị mình quản trị và các đơn vị trực thuộc."))
        return _page(form, status=400)
    try:
        key, text = create_key(form.name.data, unit.code if unit is not None else None, current_user)
    except KeyProblem as problem:
        form.name.errors.append(str(problem))
        return _page(form, status=400)
    db.session.commit()
    flash(_("Đã tạo khóa %(name)s. Hãy sao chép khóa ngay: khóa chỉ hiện một lần.", name=key.name), "success")
    return _page(ApiKeyForm(formdata=None), new_key=text)


@admin_blueprint.post("/manage/admin/apikeys/<name>/revoke")
@login_required
def revoke_api_key(name):
    """Revoke a key at once: posts with it get 403."""
    _require_admin()
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        if not any(key.name == name and _manages(key) for key in list_keys()):
            raise KeyProblem(_("Không có khóa tên “%(name)s” trong các đơn vị bạn quản trị.", name=name[:80]))
        key = revoke_key(name, current_user)
    except KeyProblem as problem:
        flash(str(problem), "error")
        return redirect(url_for("open311_admin.list_api_keys"), code=303)
    db.session.commit()
    flash(_("Đã thu hồi khóa %(name)s.", name=key.name), "success")
    return redirect(url_for("open311_admin.list_api_keys"), code=303)
