"""The consultation rules page /manage/consultations/rules: every rule, its value and its source.

Staff and inspectors read it (the consultation form points to it); administrators change a value.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.permissions import can_use_manage_area
from app.accounts.sessions import current_actor
from app.consultations import blueprint
from app.consultations.manage_forms import RuleForm
from app.consultations.permissions import can_edit_consultation_rules
from app.consultations.rules import RULES, RuleError, amount_text, rule_rows, set_rule
from app.extensions import db


def _can_read_rules(user):
    return can_use_manage_area(user) or (getattr(user, "is_authenticated", False) and user.role == "inspector")


def _render(bound=None, status=200):
    rows = []
    for spec, amount in rule_rows():
        form = None
        if can_edit_consultation_rules(current_user):
            if bound is not None and bound[0] == spec.name:
                form = bound[1]
            else:
                form = RuleForm(formdata=None, prefix=spec.name.replace(":", "-"), amount=amount)
        rows.append({"spec": spec, "amount": amount, "text": amount_text(spec, amount), "form": form})
    return render_template("consultations/manage/rules.html", rows=rows), status


@blueprint.get("/manage/consultations/rules")
@login_required
def manage_rules():
    """The rules with their sources; forms to change them for administrators."""
    if not _can_read_rules(current_user):
        abort(403)
    return _render()


@blueprint.post("/manage/consultations/rules/<name>")
@login_required
def manage_set_rule(name):
    """Change one rule's value (administrators)."""
    if not can_edit_consultation_rules(current_user):
        abort(403)
    if name not in RULES:
        abort(404)
    form = RuleForm(prefix=name.replace(":", "-"))
    if not form.validate_on_submit():
        flash(_("Chưa lưu: vui lòng sửa ô được đánh dấu."), "error")
        return _render(bound=(name, form), status=400)
    try:
        set_rule(name, form.amount.data, current_actor())
    except RuleError as error:
        db.session.rollback()
        form.amount.errors.append(error.message)
        return _render(bound=(name, form), status=400)
    db.session.commit()
    flash(_("Đã lưu quy định; áp dụng cho các đợt lấy ý kiến mở hoặc sửa từ nay."), "success")
    return redirect(url_for("consultations.manage_rules"))
