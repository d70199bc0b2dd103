"""Citizen side: submit without an account, track with a code, rate the answer.

A tracking code is the only key to an item, so every lookup by code (the pages and the API) shares
one rate limit per IP, and a wrong code, a malformed one and one that exists nowhere all get the
very same 404 page.
"""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BuildError

from app.clock import to_local
from app.errors import error_response
from app.extensions import db, limiter
from app.feedback import blueprint, intake, notifications
from app.feedback.forms import (
    MAX_NOTICE_ID,
    MAX_TEXT_LENGTH,
    FeedbackForm,
    InformationForm,
    RatingForm,
    number_text,
    size_text,
)
from app.feedback.idempotency import KeyReused, form_fingerprint, new_idempotency_key
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.photos import MAX_PHOTOS, discard_photo, max_photo_bytes
from app.feedback.states import IllegalTransition
from app.feedback.tracking import normalise_code
from app.glossary import UNIT_KINDS
from app.notices.models import Notice
from app.notices.public_queries import unit_directory
from app.resilience import keyed_submission
from app.urls import public_url

DEFAULT_SUBMISSION_LIMIT = "10 per hour;30 per day"
DEFAULT_TRACKING_LIMIT = "60 per hour"
# The order of the unit select's groups: the kinds in forms.RECEIVING_UNIT_KINDS.
UNIT_SELECT_KIND_ORDER = ("ward", "commune", "special_zone")
# Room for the text, the contact fields and the multipart framing around the photos.
FORM_OVERHEAD_BYTES = 1024 * 1024


def _submission_rate_limit():
    return current_app.config.get("FEEDBACK_RATE_LIMIT", DEFAULT_SUBMISSION_LIMIT)


def _tracking_rate_limit():
    return current_app.config.get("TRACKING_RATE_LIMIT", DEFAULT_TRACKING_LIMIT)


# One budget per IP for submissions (the form and the API together) and one for lookups by code.
submission_limit = limiter.shared_limit(_submission_rate_limit, scope="feedback-submit", methods=["POST"])
tracking_limit = limiter.shared_limit(_tracking_rate_limit, scope="feedback-track")


def submission_size_limit():
    """The largest submission form accepted: three photos at their limit and the text."""
    return MAX_PHOTOS * max_photo_bytes() + FORM_OVERHEAD_BYTES


@blueprint.url_value_preprocessor
def _allow_photo_uploads(endpoint, values):
    # CSRFProtect reads the form in the application's before_request, before any view runs, so the
    # size limit of the submission form (larger than MAX_CONTENT_LENGTH with three photos) is set in
    # the first hook that knows the endpoint.
    if endpoint == "feedback.new_feedback":
        request.max_content_length = submission_size_limit()


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    if request.endpoint == "feedback.new_feedback":
        message = _(
            "Nội dung gửi lên quá lớn: tối đa %(photos)s ảnh, mỗi ảnh %(limit)s, nội dung tối đa %(chars)s ký tự. "
            "Ý kiến chưa được gửi; hãy quay lại, bỏ bớt hoặc thu nhỏ ảnh rồi gửi lại.",
            photos=MAX_PHOTOS,
            limit=size_text(max_photo_bytes()),
            chars=number_text(MAX_TEXT_LENGTH),
        )
    else:
        message = _(
            "Tệp tải lên quá lớn. Mỗi tệp tối đa %(mb)s MB.", mb=current_app.config["MAX_ATTACHMENT_BYTES"] // 2**20
        )
    return error_response(413, message)


def _lookup_url_with_lang(code):
    return url_for("feedback.track_lookup", lang=code)


def private_page(body, status=200):
    """A page reached by a tracking code: never kept by shared caches."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def not_found_page():
    """The one 404 page for every code that finds nothing: it never repeats the code or the path."""
    return private_page(render_template("feedback/not_found.html", url_with_lang=_lookup_url_with_lang), 404)


def get_item(code, for_update=False):
    """Return the item of a tracking code, or stop with the not-found page."""
    item = intake.find_by_code(code, for_update=for_update)
    if item is None:
        abort(not_found_page())
    return item


def _notice_from_args():
    """Return (public notice named by ?notice=, whether a notice was asked for but cannot be used)."""
    text = request.args.get("notice", "").strip()
    if not text:
        return None, False
    notice = None
    if text.isascii() and text.isdigit() and int(text) <= MAX_NOTICE_ID:
        notice = db.session.get(Notice, int(text))
    if notice is None or not notice.is_public:
        return None, True
    return notice, False


def _unit_groups():
    """[(label, units)] for the unit select: each province's wards, then communes, then special zones.

    Without JavaScript the select alone is the list, so a group is short enough to scan: "Tỉnh Bắc
    Ninh · Phường", names in Vietnamese alphabetical order ignoring "Xã" and "Phường".
    """
    groups = []
    for entry in unit_directory(with_counts=False):
        for kind in UNIT_SELECT_KIND_ORDER:
            units = [child for child, _count in entry.children if child.kind == kind]
            if units:
                groups.append((f"{entry.unit.name} · {UNIT_KINDS[kind]}", units))
    return groups


def submit_once(submission):
    """Submit and commit, or find the item the same idempotency key made; return (item, is_repeat).

    Raise KeyReused, having stored nothing, when the key came with another submission (its
    `idempotency_fingerprint` differs). Two requests with one key at once: the second's insert breaks the
    unique key, and it finds the first (or is refused, if it was another submission).
    """
    key, fingerprint = submission.get("idempotency_key"), submission.get("idempotency_fingerprint")
    repeat = intake.find_repeat(key, fingerprint)
    if repeat is not None:
        return repeat, True
    try:
        item = intake.submit_feedback(**submission)
        db.session.commit()  # what the citizen wrote is safe before any file is written
    except IntegrityError:
        db.session.rollback()
        repeat = intake.find_repeat(key, fingerprint)
        if repeat is None:
            raise
        return repeat, True
    return item, False


def _prefill(form, notice):
    form.notice.data = str(notice.id) if notice is not None else ""
    kind = request.args.get("kind", "")
    form.kind.data = kind if kind in FEEDBACK_KINDS else ("question" if notice is not None else None)
    form.unit.data = request.args.get("unit", "")[:16]
    form.idempotency_key.data = new_idempotency_key()


def _store_photos(item, photos):
    """Store the photos of a committed item; return how many could not be saved."""
    if not photos:
        return 0
    stored, failed = intake.attach_photos(item, photos)
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not record the photos of %s", item.tracking_code)
        for stored_name in stored:
            discard_photo(stored_name)
        failed = len(photos)
    return failed


def _submit_form(form):
    """Submit the validated form once (see `submit_once`), its fingerprint taken from what the browser sent."""
    key = form.idempotency_key.data
    return submit_once(
        {**form.submission(), "idempotency_fingerprint": form_fingerprint(key, request.form, request.files)}
    )


def _refuse_reused_key(form):
    """The form's key came with another submission (sent, then changed and sent again): keep nothing, and give
    the page a new key so that sending it again is a new submission."""
    flash(
        _(
            "Khóa chống gửi trùng của biểu mẫu này đã được dùng cho một lần gửi khác, với nội dung khác, nên ý kiến "
            "này chưa được gửi. Trang đã có khóa mới: hãy kiểm tra lại nội dung (chọn lại ảnh nếu có) rồi bấm "
            "“Gửi ý kiến” để gửi với khóa mới."
        ),
        "error",
    )
    form.idempotency_key.data = new_idempotency_key()


@blueprint.route("/feedback/new", methods=["GET", "POST"])
@keyed_submission("field")
@submission_limit
def new_feedback():
    """The citizen's form: a question, petition, information request, complaint or denunciation."""
    notice, is_bad_notice = _notice_from_args()
    form = FeedbackForm()
    if request.method == "GET":
        _prefill(form, notice)
    elif form.is_honeypot_filled():
        # A robot filled the hidden field: thank it and keep nothing.
        return render_template("feedback/thanks.html")
    if form.validate_on_submit():
        try:
            item, is_repeat = _submit_form(form)
        except KeyReused:
            _refuse_reused_key(form)
            return _form_page(form, form.linked_notice, is_bad_notice=False, status=422)
        if is_repeat:  # a double click, or the browser sending the form again: the first item stands
            return redirect(url_for("feedback.submitted", code=item.tracking_code), code=303)
        failed = _store_photos(item, form.clean_photos)
        if failed:
            flash(
                _(
                    "Ý kiến của bạn đã được ghi nhận, nhưng %(count)s ảnh chưa lưu được do lỗi hệ thống. "
                    "Nếu ảnh quan trọng, hãy mang đến UBND xã hoặc gửi lại khi xã liên hệ.",
                    count=failed,
                ),
                "warning",
            )
        return redirect(url_for("feedback.submitted", code=item.tracking_code), code=303)
    if request.method == "POST":
        notice = form.linked_notice
    return _form_page(form, notice, is_bad_notice=is_bad_notice and request.method == "GET")


def _form_page(form, notice, is_bad_notice, status=200):
    """The submission form, as shown (GET) or sent back with what to fix."""
    return render_template(
        "feedback/new.html",
        form=form,
        notice=notice,
        is_bad_notice=is_bad_notice,
        unit_groups=_unit_groups() if notice is None else [],
        kinds=list(FEEDBACK_KINDS.values()),
        max_photos=MAX_PHOTOS,
        photo_limit=size_text(max_photo_bytes()),
        max_text=number_text(MAX_TEXT_LENGTH),
        max_text_length=MAX_TEXT_LENGTH,
    ), status


def _deadline_check_url(view=None):
    """The /deadlines calculator, prefilled with this item's kind, main step and day of receipt."""
    values = {}
    if view is not None:
        step = "resolve" if view.resolve_due else "acknowledge"
        values = {"kind": view.kind, "step": step, "start": to_local(view.received_at).date().isoformat()}
    try:
        return url_for("feedback.deadlines", **values)
    except BuildError:  # the calculator is optional for these pages
        return None


@blueprint.get("/feedback/submitted/<code>")
@tracking_limit
def submitted(code):
    """The receipt: the tracking code to write down, the due dates, where to follow the item."""
    item = get_item(code)
    view = intake.public_view(item)
    track_url = public_url("feedback.track", code=item.tracking_code)
    return private_page(
        render_template(
            "feedback/submitted.html", view=view, track_url=track_url, deadline_check_url=_deadline_check_url(view)
        )
    )


@blueprint.get("/track")
def track_lookup():
    """A box to type a tracking code; ?code= goes to its page."""
    text = request.args.get("code")
    if text is None:
        return render_template("feedback/track_lookup.html", error=None)
    if not text.strip():
        return render_template("feedback/track_lookup.html", error=_("Vui lòng nhập mã theo dõi."))
    code = normalise_code(text)
    if code is None:
        return not_found_page()
    return redirect(url_for("feedback.track", code=code))


def render_track(item, rating_form=None, information_form=None, status=200):
    """The tracking page, with the rating form once answered and the reply form while information is asked."""
    view = intake.public_view(item)
    if rating_form is None and view.can_rate:
        rating_form = RatingForm(formdata=None)
    if information_form is None and view.is_paused:
        information_form = InformationForm(formdata=None)
    return private_page(
        render_template(
            "feedback/track.html",
            view=view,
            # The citizen's own words, for whoever holds the code: never in the public view or the API.
            question=item.text,
            rating_form=rating_form,
            information_form=information_form,
            deadline_check_url=_deadline_check_url(),
            sent_messages=notifications.sent_to_citizen(item),
            notify_state=notifications.notify_state(item),
            channel_labels=notifications.channel_labels(),
        ),
        status,
    )


@blueprint.get("/track/<code>")
@tracking_limit
def track(code):
    """An item's status, due dates, public history and answer, for whoever holds the code."""
    item = get_item(code)
    if code != item.tracking_code:
        return redirect(url_for("feedback.track", code=item.tracking_code), code=301)
    return render_track(item)


@blueprint.post("/track/<code>/rating")
@tracking_limit
def rate_answer(code):
    """Rate the answer 1–5 with an optional comment, once."""
    item = get_item(code, for_update=True)
    track_url = url_for("feedback.track", code=item.tracking_code)
    if item.rating is not None:
        flash(_("Câu trả lời này đã được đánh giá; mỗi câu trả lời chỉ đánh giá một lần. Cảm ơn bạn!"), "info")
        return redirect(track_url, code=303)
    form = RatingForm()
    if not form.validate_on_submit():
        return render_track(item, form)
    try:
        intake.rate_answer(item, int(form.rating.data), form.comment.data or "")
    except IllegalTransition:
        db.session.rollback()
        flash(_("Chỉ đánh giá được sau khi xã đã trả lời."), "error")
        return redirect(track_url, code=303)
    db.session.commit()
    flash(_("Cảm ơn bạn đã đánh giá câu trả lời."), "success")
    return redirect(track_url, code=303)
