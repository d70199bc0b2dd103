"""Officials' notice management under /manage/: drafts, publishing, corrections, withdrawals, attachments.

Every view loads its notice through `_get_notice`, which answers 404 for unknown ids and 403 outside the
user's units; an action the notice's state does not allow (publishing twice, editing a published notice)
is a NoticeStateError, turned by `_handle_state_error` into a Vietnamese message and a redirect.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import AdministrativeUnit
from app.accounts.permissions import can_audit_unit, can_manage_unit
from app.accounts.sessions import current_actor
from app.clock import local_today
from app.errors import show_form_error
from app.extensions import db
from app.glossary import NOTICE_STATUSES
from app.notices import blueprint, services
from app.notices.forms import (
    AttachmentForm,
    ConfirmForm,
    CorrectionForm,
    NoticeForm,
    RemoveAttachmentForm,
    WithdrawForm,
)
from app.notices.models import Attachment, Notice
from app.notices.permissions import (
    can_change_attachments,
    can_correct_notice,
    can_create_notice,
    can_delete_notice,
    can_edit_notice,
    can_publish_notice,
    can_use_notice_management,
    can_withdraw_notice,
)
from app.notices.queries import page_number, paginate
from app.notices.storage import RejectedFile, discard, store_upload
from app.phones import format_local

# The list filter: stored status, except that "expired" is a published notice past its end date.
STATUS_FILTERS = ("draft", "published", "expired", "withdrawn")
ACCEPTED_TYPES_TEXT = _l("PDF, ảnh JPG/PNG/WebP, Word DOC/DOCX, Excel XLS/XLSX, ODT/ODS")


def _can_read_unit(user, unit):
    return can_manage_unit(user, unit) or can_audit_unit(user, unit)


def _get_notice(notice_id, permission=None):
    """Load a notice for /manage/: 404 if unknown, 403 outside the user's units.

    Without `permission` the notice is only read (staff and inspectors). With one, the user must manage
    the notice's unit (else 403); if they do but the permission still says no, the notice is in the wrong
    state for the action, which is reported as a NoticeStateError rather than a bare 403.
    """
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    if permission is None:
        if not _can_read_unit(current_user, notice.unit):
            abort(403)
        return notice
    if not can_manage_unit(current_user, notice.unit):
        abort(403)
    if not permission(current_user, notice):
        raise services.NoticeStateError(f"{permission.__name__} refused for notice {notice.id} ({notice.status})")
    return notice


def _get_unit(code):
    """Load a unit by code: 404 if unknown, 403 if the user may not read it."""
    unit = AdministrativeUnit.by_code(code)
    if unit is None:
        abort(404)
    if not _can_read_unit(current_user, unit):
        abort(403)
    return unit


def _state_message(notice):
    if notice is None:
        return _("Thông báo không còn tồn tại.")
    if notice.status == "draft":
        return _("Thông báo này còn là bản nháp; thao tác này chỉ dùng cho thông báo đã niêm yết.")
    if notice.status == "published":
        return _(
            "Thông báo này đã niêm yết nên không sửa hay xóa trực tiếp được; "
            "hãy dùng “Đính chính” (tạo phiên bản mới có lý do) hoặc “Thu hồi”."
        )
    return _("Thông báo này đã bị thu hồi nên không thay đổi được nữa.")


@blueprint.errorhandler(services.NoticeStateError)
def _handle_state_error(error):
    """The action does not fit the notice's state (e.g. a second click on Publish): explain, never 500."""
    db.session.rollback()
    notice_id = (request.view_args or {}).get("notice_id")
    notice = db.session.get(Notice, notice_id) if notice_id else None
    flash(_state_message(notice), "error")
    if notice is None:
        return redirect(url_for("notices.manage_index"))
    return redirect(url_for("notices.manage_show_notice", notice_id=notice.id))


def _units_in_subtree(user, current_only=False):
    """The user's unit and its descendants, the user's own first, then by depth and name."""
    units = db.session.scalars(select(AdministrativeUnit).where(user.unit.subtree_clause())).all()
    if current_only:
        units = [unit for unit in units if unit.is_current or unit.id == user.unit_id]
    return sorted(units, key=lambda unit: (unit.path.count("/"), unit.name))


def _manage_query(unit, status):
    """Notices of `unit` and its descendants, drafts included, newest first."""
    subtree = select(AdministrativeUnit.id).where(unit.subtree_clause())
    query = select(Notice).options(selectinload(Notice.unit)).where(Notice.unit_id.in_(subtree))
    today = local_today()
    if status == "expired":
        query = query.where(Notice.status == "published", Notice.posting_end < today)
    elif status == "published":
        query = query.where(Notice.status == "published", Notice.posting_end >= today)
    elif status:
        query = query.where(Notice.status == status)
    return query.order_by(Notice.created_at.desc(), Notice.id.desc())


def _confirm_or_400():
    # CSRFProtect already refuses a POST without a token; the form makes the check explicit per view.
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _show_phone_locally(form, notice):
    if request.method == "GET":
        form.contact_phone.data = format_local(notice.contact_phone)


def _size_text(size):
    # Vietnamese writes a decimal comma: 1,5 MB.
    if size >= 1024 * 1024:
        number = f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
        return _("%(number)s MB", number=number)
    return _("%(number)s KB", number=max(1, round(size / 1024)))


def _rejection_message(reason):
    limit = _size_text(current_app.config["MAX_ATTACHMENT_BYTES"])
    if reason == "empty":
        return _("Tệp rỗng (0 byte); hãy chọn lại tệp.")
    if reason == "too_large":
        return _("Tệp quá lớn; mỗi tệp tối đa %(limit)s. Hãy nén hoặc chia nhỏ tệp.", limit=limit)
    return _(
        "Không nhận loại tệp này. Chỉ nhận: %(types)s (tối đa %(limit)s). "
        "Loại tệp được kiểm tra theo nội dung, không theo đuôi tên tệp.",
        types=ACCEPTED_TYPES_TEXT,
        limit=limit,
    )


def _original_name(filename):
    """The name the official's computer gave the file, without any folder part."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(character for character in name if character.isprintable())[:255]


def _render_show(notice, attachment_form=None, remove_form=None, remove_target=None):
    warnings = []
    if notice.status == "draft":
        warnings = services.timeliness_warnings(notice.posting_start, notice.posting_end, notice.issued_on)
    return render_template(
        "manage/show.html",
        notice=notice,
        warnings=warnings,
        attachment_form=attachment_form or AttachmentForm(formdata=None),
        remove_form=remove_form,
        remove_target=remove_target,
        can_change_attachments=can_change_attachments,
        accepted_types=ACCEPTED_TYPES_TEXT,
        size_limit=_size_text(current_app.config["MAX_ATTACHMENT_BYTES"]),
        size_text=_size_text,
    )


@blueprint.route("/manage/")
@login_required
def manage_index():
    """The notices of the user's unit subtree, drafts included, newest first."""
    if not can_use_notice_management(current_user):
        abort(403)
    unit = _get_unit(request.args["unit"]) if request.args.get("unit") else current_user.unit
    status = request.args.get("status", "")
    if status and status not in STATUS_FILTERS:
        flash(_("Trạng thái lọc không hợp lệ; đang hiện mọi trạng thái."), "error")
        status = ""
    page = page_number(request.args.get("page"))
    pagination = paginate(_manage_query(unit, status), page, current_app.config["NOTICES_PER_PAGE"])
    filters = {"status": status or None, "unit": unit.code if unit.id != current_user.unit_id else None}
    return render_template(
        "manage/index.html",
        pagination=pagination,
        unit=unit,
        units=_units_in_subtree(current_user),
        status=status,
        status_filters={key: NOTICE_STATUSES[key] for key in STATUS_FILTERS},
        filters={key: value for key, value in filters.items() if value},
    )


@blueprint.route("/manage/notices/new", methods=["GET", "POST"])
@login_required
def manage_new_notice():
    """Write a new notice as a draft for a unit the user manages (their own by default)."""
    code = request.form.get("unit") if request.method == "POST" else request.args.get("unit")
    unit = _get_unit(code) if code else current_user.unit
    if not can_create_notice(current_user, unit):
        abort(403)
    form = NoticeForm()
    if form.validate_on_submit():
        notice = services.create_notice(unit, form.notice_fields(), current_actor())
        db.session.commit()
        flash(_("Đã lưu bản nháp. Hãy kiểm tra lại rồi bấm “Niêm yết” để công bố."), "success")
        return redirect(url_for("notices.manage_show_notice", notice_id=notice.id))
    units = [
        item for item in _units_in_subtree(current_user, current_only=True) if can_create_notice(current_user, item)
    ]
    return render_template("manage/notice_form.html", form=form, mode="new", unit=unit, units=units)


@blueprint.route("/manage/notices/<int:notice_id>")
@login_required
def manage_show_notice(notice_id):
    """A notice as its officials see it: state, warnings, the actions allowed, files, versions."""
    return _render_show(_get_notice(notice_id))


@blueprint.route("/manage/notices/<int:notice_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit_notice(notice_id):
    """Edit a draft in place (drafts are not public, so no version is kept)."""
    notice = _get_notice(notice_id, can_edit_notice)
    form = NoticeForm(obj=notice)
    _show_phone_locally(form, notice)
    if form.validate_on_submit():
        services.update_draft(notice, form.notice_fields(), current_actor())
        db.session.commit()
        flash(_("Đã lưu bản nháp."), "success")
        return redirect(url_for("notices.manage_show_notice", notice_id=notice.id))
    return render_template("manage/notice_form.html", form=form, mode="edit", notice=notice, unit=notice.unit)


@blueprint.post("/manage/notices/<int:notice_id>/publish")
@login_required
def manage_publish_notice(notice_id):
    """Publish a draft: it gets its short code and version 1; timeliness warnings are repeated."""
    notice = _get_notice(notice_id, can_publish_notice)
    _confirm_or_400()
    try:
        services.publish_notice(notice, current_actor())
    except services.NoticeChangeRefused as error:
        db.session.rollback()
        flash(_("Chưa niêm yết được: %(reason)s Hãy sửa bản nháp rồi niêm yết lại.", reason=error.message), "error")
        return redirect(url_for("notices.manage_show_notice", notice_id=notice_id))
    db.session.commit()
    flash(_("Đã niêm yết thông báo. Mã tra cứu: %(code)s.", code=notice.short_code), "success")
    for warning in services.timeliness_warnings(notice.posting_start, notice.posting_end, notice.issued_on):
        flash(str(warning), "warning")
    return redirect(url_for("notices.manage_show_notice", notice_id=notice.id))


@blueprint.route("/manage/notices/<int:notice_id>/correct", methods=["GET", "POST"])
@login_required
def manage_correct_notice(notice_id):
    """Correct a published notice: a new public version with its reason, never a silent edit."""
    notice = _get_notice(notice_id, can_correct_notice)
    form = CorrectionForm(obj=notice)
    _show_phone_locally(form, notice)
    if form.validate_on_submit():
        try:
            version = services.correct_notice(notice, form.notice_fields(), form.reason.data, current_actor())
        except services.NoticeChangeRefused as error:
            db.session.rollback()
            show_form_error(form, error)
            return render_template(
                "manage/notice_form.html", form=form, mode="correct", notice=notice, unit=notice.unit
            ), 422
        if version is None:
            db.session.rollback()
            flash(_("Nội dung không có gì thay đổi so với bản đang niêm yết nên chưa lưu gì."), "warning")
        else:
            db.session.commit()
            flash(_("Đã đính chính: phiên bản %(number)s được công bố kèm lý do.", number=version.number), "success")
            return redirect(url_for("notices.manage_show_notice", notice_id=notice.id))
    return render_template("manage/notice_form.html", form=form, mode="correct", notice=notice, unit=notice.unit)


@blueprint.route("/manage/notices/<int:notice_id>/withdraw", methods=["GET", "POST"])
@login_required
def manage_withdraw_notice(notice_id):
    """Withdraw a published notice; it stays readable, marked, with the public reason."""
    notice = _get_notice(notice_id, can_withdraw_notice)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw_notice(notice, form.reason.data, current_actor())
        db.session.commit()
        flash(_("Đã thu hồi thông báo. Trang công khai hiện rõ lý do thu hồi."), "success")
        return redirect(url_for("notices.manage_show_notice", notice_id=notice.id))
    return render_template("manage/withdraw.html", form=form, notice=notice)


@blueprint.post("/manage/notices/<int:notice_id>/delete")
@login_required
def manage_delete_notice(notice_id):
    """Delete a draft that was never published, and its files."""
    notice = _get_notice(notice_id, can_delete_notice)
    _confirm_or_400()
    stored_names = services.delete_draft(notice, current_actor())
    db.session.commit()
    for stored_name in stored_names:
        discard(stored_name)
    flash(_("Đã xóa bản nháp."), "success")
    return redirect(url_for("notices.manage_index"))


@blueprint.post("/manage/notices/<int:notice_id>/attachments")
@login_required
def manage_add_attachment(notice_id):
    """Attach a file, checked by its content; on a published notice this is a correction with a reason."""
    notice = _get_notice(notice_id, can_change_attachments)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _render_show(notice, attachment_form=form)
    reason = form.reason.data or ""
    if notice.status == "published" and not reason:
        form.reason.errors.append(
            _("Thông báo đã niêm yết: thêm tệp tạo một phiên bản đính chính mới, vui lòng nêu lý do (công khai).")
        )
        return _render_show(notice, attachment_form=form)
    upload = form.file.data
    try:
        stored = store_upload(upload.read(), upload.filename or "")
    except RejectedFile as error:
        form.file.errors.append(_rejection_message(error.args[0] if error.args else "type"))
        return _render_show(notice, attachment_form=form)
    try:
        services.add_attachment(notice, stored, _original_name(upload.filename), current_actor(), reason)
        db.session.commit()
    except Exception:
        # No orphan file: whatever failed after the file was written, the file goes too.
        db.session.rollback()
        discard(stored.stored_name)
        raise
    flash(_("Đã đính kèm tệp %(name)s.", name=_original_name(upload.filename) or stored.stored_name), "success")
    return redirect(url_for("notices.manage_show_notice", notice_id=notice.id, _anchor="tep-dinh-kem"))


@blueprint.post("/manage/notices/<int:notice_id>/attachments/<int:attachment_id>/delete")
@login_required
def manage_delete_attachment(notice_id, attachment_id):
    """Remove a file; on a published notice this is a correction with a reason."""
    notice = _get_notice(notice_id, can_change_attachments)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.notice_id != notice.id:
        abort(404)
    form = RemoveAttachmentForm()
    if form.validate_on_submit() and notice.status == "published" and not form.reason.data:
        form.reason.errors.append(
            _("Thông báo đã niêm yết: gỡ tệp tạo một phiên bản đính chính mới, vui lòng nêu lý do (công khai).")
        )
    if form.errors:
        return _render_show(notice, remove_form=form, remove_target=attachment.id)
    name = attachment.original_name
    stored_name = services.remove_attachment(attachment, current_actor(), form.reason.data or "")
    db.session.commit()
    discard(stored_name)
    flash(_("Đã gỡ tệp %(name)s.", name=name), "success")
    return redirect(url_for("notices.manage_show_notice", notice_id=notice.id, _anchor="tep-dinh-kem"))
