"""What comes of a consultation, under /manage/notices/<id>/…: its published result, community decisions."""

from flask import abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.sessions import current_actor
from app.consultations import blueprint, permissions
from app.consultations.choices import labelled_choices
from app.consultations.decisions import DecisionError, decision_options, record_decision
from app.consultations.manage_forms import RESULT_GROUPS, DecisionForm, ResultForm
from app.consultations.manage_views import load_consultation, load_notice, overview_url
from app.consultations.results import ResultError, publish_result, result_deadline
from app.consultations.rules import adoption_percent
from app.consultations.services import consultation_of
from app.consultations.tallies import comment_counts, live_tallies
from app.errors import show_form_error
from app.extensions import db
from app.notices.storage import RejectedFile, discard, store_upload

MAX_MINUTES_NAME = 255


def _result_form(consultation):
    previous = consultation.result
    if previous is None:
        return ResultForm(formdata=None)
    groups = list(previous.answers) + [{"opinions": "", "answer": ""}] * RESULT_GROUPS
    return ResultForm(formdata=None, summary=previous.summary, groups=groups[: len(previous.answers) + RESULT_GROUPS])


@blueprint.route("/manage/notices/<int:notice_id>/consultation/result", methods=["GET", "POST"])
@login_required
def manage_publish_result(notice_id):
    """Publish the result after the end: frozen tallies, a summary, the commune's answer to each group."""
    notice = load_notice(notice_id)
    consultation = load_consultation(notice)
    if not permissions.can_publish_result(current_user, consultation):
        if permissions.can_moderate_comments(current_user, consultation):
            flash(_("Chỉ công bố kết quả sau khi kết thúc thời gian lấy ý kiến."), "error")
            return redirect(overview_url(notice))
        abort(403)
    form = ResultForm() if _is_post() else _result_form(consultation)
    if _is_post() and form.validate_on_submit():
        try:
            result = publish_result(
                consultation, form.summary.data, form.answer_groups(), form.reason.data, current_actor()
            )
        except ResultError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã công bố kết quả (phiên bản %(number)s).", number=result.number), "success")
            return redirect(overview_url(notice))
    return render_template(
        "consultations/manage/result.html",
        notice=notice,
        consultation=consultation,
        form=form,
        tallies=live_tallies(consultation),
        choices=labelled_choices(consultation),
        comments=comment_counts(consultation),
        result_due=result_deadline(consultation),
    )


def _is_post():
    return request.method == "POST"


def _decision_form(notice):
    options = decision_options(notice)
    form = DecisionForm() if _is_post() else DecisionForm(formdata=None, votes=[{"votes": None}] * len(options))
    while len(form.votes) < len(options):
        form.votes.append_entry()
    for entry, (_key, label) in zip(form.votes, options, strict=False):
        entry.form.votes.label.text = label
    return form, options


@blueprint.route("/manage/notices/<int:notice_id>/decisions/new", methods=["GET", "POST"])
@login_required
def manage_record_decision(notice_id):
    """Record what a village decided (meeting, ballot, online vote), with its minutes."""
    notice = load_notice(notice_id, permissions.can_record_decision)
    form, options = _decision_form(notice)
    if _is_post() and form.validate_on_submit() and len(form.votes) == len(options):
        upload = form.minutes.data
        try:
            stored = store_upload(upload.read(), upload.filename or "")
        except RejectedFile as error:
            reason = error.args[0] if error.args else "type"
            form.minutes.errors = [*form.minutes.errors, _rejection(reason)]
        else:
            fields = {
                "village": form.village.data,
                "matter": form.matter.data,
                "decided_on": form.decided_on.data,
                "method": form.method.data,
                "households_total": form.households_total.data,
                "households_participating": form.households_participating.data,
                "votes": [entry.form.votes.data or 0 for entry in form.votes],
            }
            try:
                decision = record_decision(notice, fields, stored, _original_name(upload.filename), current_actor())
                db.session.commit()
            except DecisionError as error:
                db.session.rollback()
                discard(stored.stored_name)
                flash(error.message, "error")
            except Exception:
                db.session.rollback()
                discard(stored.stored_name)
                raise
            else:
                flash(
                    _("Đã ghi nhận quyết định: được thông qua.")
                    if decision.is_adopted
                    else _("Đã ghi nhận quyết định: chưa được thông qua (chưa quá tỷ lệ số hộ theo quy định)."),
                    "success",
                )
                return redirect(overview_url(notice))
    return render_template(
        "consultations/manage/decision.html",
        notice=notice,
        consultation=consultation_of(notice.id),
        form=form,
        percent=adoption_percent(),
        max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
    )


def _rejection(reason):
    if reason == "empty":
        return _("Tệp rỗng (0 byte); hãy chọn lại tệp.")
    if reason == "too_large":
        return _("Tệp quá lớn; hãy nén hoặc chia nhỏ tệp.")
    return _("Không nhận loại tệp này. Chỉ nhận PDF, ảnh JPG/PNG/WebP, Word, Excel, ODT/ODS.")


def _original_name(filename):
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(character for character in name if character.isprintable())[:MAX_MINUTES_NAME]
