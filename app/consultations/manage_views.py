"""Officials' consultation pages under /manage/notices/<id>/consultation: open or change, close, moderate.

Every view loads the notice through `load_notice`: 404 for an unknown id, 403 outside the user's units
(inspectors of the unit read the overview and the comments, never the names and phones).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts.permissions import can_manage_unit
from app.accounts.sessions import current_actor
from app.clock import local_today
from app.consultations import blueprint, moderation, permissions, rules, services
from app.consultations.choices import DECISION_FORM_LABELS, choice_label, labelled_choices, percent_text, village_label
from app.consultations.decisions import adopted_label, notice_decisions
from app.consultations.identity import unseal_text
from app.consultations.manage_forms import ApproveCommentForm, CloseForm, ConsultationForm, HideCommentForm
from app.consultations.models import Opinion
from app.consultations.results import result_deadline
from app.consultations.tallies import comment_counts, live_tallies
from app.errors import show_form_error
from app.extensions import db
from app.notices.models import Notice
from app.notices.queries import page_number, paginate
from app.phones import format_local

MAX_ID = 2**31 - 1
COMMENTS_PER_PAGE = 25
COMMENT_FILTERS = ("pending", "approved", "hidden")


@blueprint.context_processor
def _consultation_helpers():
    functions = {name: getattr(permissions, name) for name in dir(permissions) if name.startswith("can_")}
    return {
        "choice_label": choice_label,
        "village_label": village_label,
        "percent_text": percent_text,
        "decision_form_labels": DECISION_FORM_LABELS,
        **functions,
    }


def load_notice(notice_id, permission=permissions.can_view_consultation_admin):
    """The notice for a staff page: 404 if unknown, 403 if `permission(user, notice)` says no."""
    notice = db.session.get(Notice, notice_id) if notice_id <= MAX_ID else None
    if notice is None:
        abort(404)
    if not permission(current_user, notice):
        abort(403)
    return notice


def load_consultation(notice):
    consultation = services.consultation_of(notice.id)
    if consultation is None:
        abort(404)
    return consultation


def overview_url(notice):
    return url_for("consultations.manage_consultation", notice_id=notice.id)


@blueprint.get("/manage/notices/<int:notice_id>/consultation")
@login_required
def manage_consultation(notice_id):
    """A notice's consultation as its officials see it: settings, tallies, comments to moderate, result, decisions."""
    notice = load_notice(notice_id)
    consultation = services.consultation_of(notice.id)
    if consultation is None and not permissions.can_save_consultation(current_user, notice):
        abort(404)
    context = {"notice": notice, "consultation": consultation, "decisions": notice_decisions(notice.id)}
    if consultation is not None:
        context.update(
            tallies=live_tallies(consultation),
            comments=comment_counts(consultation),
            choices=labelled_choices(consultation),
            status=consultation.status(),
            result_due=result_deadline(consultation),
            minimum_days=rules.minimum_opinion_days(notice.category),
            close_form=CloseForm(formdata=None),
            adopted_label=adopted_label,
        )
    return render_template("consultations/manage/overview.html", **context)


def _form_for(notice, consultation):
    if request.method == "POST":
        return ConsultationForm()
    if consultation is None:
        start = max(notice.posting_start, local_today()) if notice.status == "published" else notice.posting_start
        end = notice.opinion_end or start + timedelta(days=rules.minimum_opinion_days(notice.category) - 1)
        return ConsultationForm(formdata=None, starts_on=start, ends_on=end)
    return ConsultationForm(
        formdata=None,
        question=consultation.question,
        choice_set=consultation.choice_set,
        options="\n".join(choice["label"] for choice in consultation.choices)
        if consultation.choice_set == "options"
        else "",
        starts_on=consultation.starts_on,
        ends_on=consultation.ends_on,
        scope="villages" if consultation.is_limited_to_villages else "commune",
        villages="\n".join(consultation.villages),
        households=consultation.households,
    )


@blueprint.route("/manage/notices/<int:notice_id>/consultation/edit", methods=["GET", "POST"])
@login_required
def manage_edit_consultation(notice_id):
    """Open a consultation on the notice, or change it (its end is the notice's opinion_end)."""
    notice = load_notice(notice_id, permissions.can_save_consultation)
    consultation = services.consultation_of(notice.id)
    form = _form_for(notice, consultation)
    if form.validate_on_submit():
        try:
            consultation, created = services.save_consultation(notice, form.consultation_fields(), current_actor())
        except services.ConsultationError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã mở lấy ý kiến.") if created else _("Đã lưu thay đổi của đợt lấy ý kiến."), "success")
            return redirect(overview_url(notice))
    return render_template(
        "consultations/manage/edit.html",
        notice=notice,
        consultation=consultation,
        form=form,
        minimum_days=rules.minimum_opinion_days(notice.category),
        answered=consultation is not None and services.has_opinions(consultation),
    )


@blueprint.post("/manage/notices/<int:notice_id>/consultation/close")
@login_required
def manage_close_consultation(notice_id):
    """Stop taking opinions now, with a public reason."""
    notice = load_notice(notice_id, lambda user, item: can_manage_unit(user, item.unit))
    consultation = load_consultation(notice)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.reason.errors) or _("Vui lòng nêu lý do."), "error")
        return redirect(overview_url(notice))
    try:
        services.close_early(consultation, form.reason.data, current_actor())
    except services.ConsultationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(overview_url(notice))
    db.session.commit()
    flash(_("Đã kết thúc lấy ý kiến. Hãy tổng hợp và công bố kết quả."), "success")
    return redirect(overview_url(notice))


def _comment_rows(consultation, page, status):
    """The page of comments, each with what the staff may see of its writer and its forms."""
    pagination = paginate(moderation.comments_query(consultation, status), page, COMMENTS_PER_PAGE)
    identity = permissions.can_read_personal_details(current_user, consultation)
    rows = []
    for opinion in pagination.items:
        row = {"opinion": opinion, "choice": choice_label(consultation, opinion.choice)}
        if identity:
            row["name"] = unseal_text(opinion.name_sealed)
            row["phone"] = format_local(unseal_text(opinion.phone_sealed))
        if permissions.can_moderate_comments(current_user, consultation):
            draft = (
                opinion.public_comment
                if opinion.comment_status == "approved"
                else moderation.public_draft(opinion).text
            )
            row[APPROVE.slot] = APPROVE.shown(opinion, public_comment=draft)
            row[HIDE.slot] = HIDE.shown(opinion, reason=opinion.hidden_reason)
        rows.append(row)
    return pagination, rows


def _render_comments(notice, consultation, bound=None, status=200):
    chosen = request.args.get("status", "")
    chosen = chosen if chosen in COMMENT_FILTERS else ""
    pagination, rows = _comment_rows(consultation, page_number(request.args.get("page")), chosen or None)
    if bound is not None:
        for row in rows:
            if row["opinion"].id == bound[0]:
                row[bound[1]] = bound[2]
    return (
        render_template(
            "consultations/manage/comments.html",
            notice=notice,
            consultation=consultation,
            pagination=pagination,
            rows=rows,
            counts=comment_counts(consultation),
            chosen=chosen,
        ),
        status,
    )


@blueprint.get("/manage/notices/<int:notice_id>/consultation/comments")
@login_required
def manage_comments(notice_id):
    """The comments, pending first: approve (checked for personal details) or hide with a reason."""
    notice = load_notice(notice_id)
    return _render_comments(notice, load_consultation(notice))[0]


def _load_opinion(consultation, opinion_id):
    opinion = db.session.get(Opinion, opinion_id) if opinion_id <= MAX_ID else None
    if opinion is None or opinion.consultation_id != consultation.id:
        abort(404)
    return opinion


@dataclass(frozen=True)
class Moderation:
    """One of the two things an official does to a comment, as the comments page shows and posts it."""

    form_class: type
    prefix: str  # of its form's field names, before the opinion's id
    slot: str  # the key of its form in an opinion's row
    field: str  # the form's text field: what the service takes, and where its refusal is shown
    act: Callable  # act(opinion, text, actor), raising moderation.ModerationError
    done: object  # the message once done

    def shown(self, opinion, **data):
        """The form in an opinion's row, filled with `data`."""
        return self.form_class(formdata=None, prefix=f"{self.prefix}{opinion.id}", **data)

    def posted(self, opinion):
        """The form as the official sent it for this opinion."""
        return self.form_class(prefix=f"{self.prefix}{opinion.id}")


APPROVE = Moderation(
    ApproveCommentForm, "o", "approve_form", "public_comment", moderation.approve_comment, _l("Đã công khai ý kiến.")
)
HIDE = Moderation(
    HideCommentForm,
    "h",
    "hide_form",
    "reason",
    moderation.hide_comment,
    _l("Đã ẩn ý kiến; ý kiến vẫn được tính vào kết quả."),
)


@blueprint.post("/manage/notices/<int:notice_id>/consultation/comments/<int:opinion_id>/approve")
@login_required
def manage_approve_comment(notice_id, opinion_id):
    return _moderate(notice_id, opinion_id, APPROVE)


@blueprint.post("/manage/notices/<int:notice_id>/consultation/comments/<int:opinion_id>/hide")
@login_required
def manage_hide_comment(notice_id, opinion_id):
    return _moderate(notice_id, opinion_id, HIDE)


def _moderate(notice_id, opinion_id, moderation_kind):
    """Approve or hide one comment; a refusal goes under the form's text field, on the comments page with the
    form as it was sent."""
    notice = load_notice(notice_id, lambda user, item: can_manage_unit(user, item.unit))
    consultation = load_consultation(notice)
    opinion = _load_opinion(consultation, opinion_id)
    form = moderation_kind.posted(opinion)
    if form.validate_on_submit():
        text = form[moderation_kind.field]
        try:
            moderation_kind.act(opinion, text.data, current_actor())
        except moderation.ModerationError as error:
            db.session.rollback()
            text.errors = [*text.errors, error.message]
        else:
            db.session.commit()
            flash(str(moderation_kind.done), "success")
            return redirect(url_for("consultations.manage_comments", notice_id=notice.id))
    return _render_comments(notice, consultation, bound=(opinion.id, moderation_kind.slot, form), status=400)
