"""The citizen's side on the notice page, without JavaScript: send a code, then confirm the opinion with it.

Step one (POST …/consultation/code) checks the whole opinion, then sends the code by SMS and answers with
the confirmation page, the opinion carried in hidden fields; step two (POST …/consultation/opinion) spends
the code and records the opinion, then back to the notice with the tally changed. Errors re-render the
page they came from with the message under its field. The result's CSV/XLSX and the minutes of community
decisions are public here too.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.consultations import blueprint
from app.consultations.decisions import notice_decisions
from app.consultations.exports import result_csv, result_xlsx
from app.consultations.opinions import (
    OpinionError,
    OpinionInput,
    checked_opinion,
    record_opinion,
)
from app.consultations.page import consultation_context
from app.consultations.public_forms import ConfirmOpinionForm, OpinionForm
from app.consultations.services import consultation_of
from app.consultations.verification import VerificationError, send_code
from app.database import end_reading, read_transactions
from app.extensions import db
from app.notices.models import Notice
from app.notices.page_parts import notice_parts
from app.notices.permissions import can_view_notice
from app.notices.storage import send_stored
from app.phones import format_local
from app.urls import notice_short_url

MAX_ID = 2**31 - 1
MINUTES_MAX_AGE = 3600


def _public_notice(notice_id):
    notice = db.session.get(Notice, notice_id) if notice_id <= MAX_ID else None
    if notice is None or not notice.is_public or not can_view_notice(current_user, notice):
        abort(404)
    return notice


def _public_consultation(notice_id):
    notice = _public_notice(notice_id)
    consultation = consultation_of(notice.id)
    if consultation is None:
        abort(404)
    return notice, consultation


def _put_error(form, error):
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        target = form.choice if error.status != 409 else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


def _notice_page(notice, form, status):
    """The notice page again, the opinion form holding what was typed and its errors."""
    context = {**notice_parts(notice), **consultation_context(notice, form)}
    return render_template("notices/show.html", notice=notice, short_url=notice_short_url(notice), **context), status


def _confirm_page(notice, consultation, form, phone, status=200):
    return (
        render_template(
            "consultations/confirm.html", notice=notice, consultation=consultation, form=form, phone_display=phone
        ),
        status,
    )


def _input(form, code=""):
    return OpinionInput(code=code, **form.opinion_values())


@blueprint.post("/notices/<int:notice_id>/consultation/code")
def send_opinion_code(notice_id):
    """Step one: check the opinion and send a 6-digit code to the phone; show where to type it."""
    notice, consultation = _public_consultation(notice_id)
    form = OpinionForm(consultation)
    if not form.validate_on_submit():
        return _notice_page(notice, form, 422)
    try:
        e164 = checked_opinion(consultation, _input(form)).e164
        send_code(consultation, e164, request.remote_addr)
    except (OpinionError, VerificationError) as error:
        db.session.rollback()
        _put_error(form, error)
        return _notice_page(notice, form, error.status)
    db.session.commit()
    confirm = ConfirmOpinionForm(consultation, formdata=None, data=form.opinion_values())
    return _confirm_page(notice, consultation, confirm, format_local(e164))


@blueprint.post("/notices/<int:notice_id>/consultation/opinion")
def confirm_opinion(notice_id):
    """Step two: the code from the SMS confirms the phone; the opinion is recorded (or replaces the earlier one)."""
    try:
        # As in the API: finding the consultation and checking the form only read, so on SQLite they take
        # no write lock; only spending the code and writing the opinion do.
        with read_transactions():
            notice, consultation = _public_consultation(notice_id)
            form = ConfirmOpinionForm(consultation)
            phone = form.phone.data or ""
            if not form.validate_on_submit():
                return _confirm_page(notice, consultation, form, phone, 422)
            checked = checked_opinion(consultation, _input(form))
            end_reading(db.session)
        _opinion, created = record_opinion(consultation, checked, form.code.data)
    except OpinionError as error:
        db.session.commit()  # a wrong code's try is counted
        with read_transactions():  # the page that says what to fix only reads
            return _refused_opinion(notice, consultation, form, phone, error)
    db.session.commit()
    if created:
        flash(_("Cảm ơn bạn đã góp ý. Ý kiến của bạn đã được tính vào kết quả."), "success")
    else:
        flash(_("Đã cập nhật ý kiến của bạn; ý kiến gửi trước đó của số điện thoại này được thay thế."), "success")
    return redirect(url_for("notices.show_notice", notice_id=notice.id, _anchor="lay-y-kien"))


def _refused_opinion(notice, consultation, form, phone, error):
    if error.status == 409:  # closed meanwhile: the notice page says so
        flash(error.message, "error")
        return _notice_page(notice, None, 409)
    if error.field not in (None, "code"):  # the hidden fields were changed: back to step one
        step_one = OpinionForm(consultation, formdata=None, data=form.opinion_values())
        _put_error(step_one, error)
        return _notice_page(notice, step_one, error.status)
    form.code.errors = [*form.code.errors, error.message]
    return _confirm_page(notice, consultation, form, phone, error.status)


@blueprint.get("/notices/<int:notice_id>/consultation/result.<any(csv, xlsx):extension>")
def download_result(notice_id, extension):
    """The published result (newest version) as CSV or XLSX."""
    notice, consultation = _public_consultation(notice_id)
    result = consultation.result
    if result is None:
        abort(404)
    return result_csv(consultation, result) if extension == "csv" else result_xlsx(consultation, result)


@blueprint.get("/notices/<int:notice_id>/decisions/<int:decision_id>/minutes")
def download_minutes(notice_id, decision_id):
    """The minutes of a community decision, as the official uploaded them."""
    notice = _public_notice(notice_id)
    decision = next((item for item in notice_decisions(notice.id) if item.id == decision_id), None)
    if decision is None:
        abort(404)
    return send_stored(
        decision.minutes_stored_name,
        decision.minutes_media_type,
        decision.minutes_name,
        decision.minutes_sha256,
        MINUTES_MAX_AGE,
        f"Minutes of decision {decision.id}",
    )
