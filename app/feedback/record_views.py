"""/manage/queue/new: an official records a phone call, a visit or a letter into the queue.

The item is the citizen's kind of item, for a unit of the official's subtree (a unit outside it is a 403,
as in the queue's filters), received when the citizen called, came or wrote. The confirmation page shows
the tracking code in large type, to read out, and whether the receipt was queued by SMS, Zalo or e-mail.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import AdministrativeUnit
from app.accounts.sessions import current_actor
from app.extensions import db
from app.feedback import blueprint, recording
from app.feedback.forms import MAX_TEXT_LENGTH, MAX_UNIT_CODE_LENGTH, RECEIVING_UNIT_KINDS, number_text
from app.feedback.intake import public_view
from app.feedback.item_views import get_item
from app.feedback.kinds import FEEDBACK_KINDS, channel_label
from app.feedback.notifications import CITIZEN_TEMPLATES, subject_of
from app.feedback.permissions import can_handle_queue_item, can_record_queue_item
from app.feedback.record_forms import RecordFeedbackForm
from app.outbox.models import Notification
from app.urls import public_url


@blueprint.app_template_filter("channel_label")
def channel_label_filter(identifier):
    """ "phone" -> "Điện thoại": how an item arrived, on the staff's and the inspectors' pages."""
    return channel_label(identifier)


def recordable_units(user):
    """The communes, wards and special zones of the user's subtree that exist today, their own first."""
    units = db.session.scalars(
        select(AdministrativeUnit).where(
            user.unit.subtree_clause(), AdministrativeUnit.kind.in_(sorted(RECEIVING_UNIT_KINDS))
        )
    ).all()
    units = [unit for unit in units if unit.is_current]
    return sorted(units, key=lambda unit: (unit.id != user.unit_id, unit.path.count("/"), unit.name))


def _refuse_foreign_unit(code):
    """403 for a unit that exists outside the user's subtree (an unknown code is the form's to explain)."""
    code = (code or "").strip()
    unit = AdministrativeUnit.by_code(code) if code and len(code) <= MAX_UNIT_CODE_LENGTH else None
    if unit is not None and not can_record_queue_item(current_user, unit):
        abort(403)


@blueprint.route("/manage/queue/new", methods=["GET", "POST"])
@login_required
def record_item():
    """Record a call, a visit or a letter: the form, then the item with its tracking code."""
    if not can_record_queue_item(current_user):
        abort(403)
    units = recordable_units(current_user)
    if request.method == "POST":
        _refuse_foreign_unit(request.form.get("unit"))
    form = RecordFeedbackForm(within=current_user.unit)
    if not form.is_submitted():
        form.unit.data = units[0].code if units else ""
    if form.validate_on_submit():
        item = recording.record_contact(**form.submission(), recorded_by=current_actor())
        db.session.commit()
        return redirect(url_for("feedback.recorded_item", item_id=item.id), code=303)
    return render_template(
        "feedback/manage/record.html",
        form=form,
        units=units,
        kinds=list(FEEDBACK_KINDS.values()),
        max_text=number_text(MAX_TEXT_LENGTH),
        max_text_length=MAX_TEXT_LENGTH,
    )


def receipt_notifications(item):
    """The citizen's receipt in the outbox (channel, status), newest first; nothing of its address."""
    return db.session.scalars(
        select(Notification)
        .where(Notification.subject == subject_of(item), Notification.template == CITIZEN_TEMPLATES["receive"])
        .order_by(Notification.id.desc())
    ).all()


@blueprint.get("/manage/queue/<int:item_id>/recorded")
@login_required
def recorded_item(item_id):
    """The tracking code of a recorded item in large type, to read out to the citizen."""
    item = get_item(item_id)
    if not can_handle_queue_item(current_user, item):
        abort(403)
    return render_template(
        "feedback/manage/recorded.html",
        item=item,
        view=public_view(item),
        channel=channel_label(item.channel),
        receipts=receipt_notifications(item),
        track_url=public_url("feedback.track", code=item.tracking_code),
    )
