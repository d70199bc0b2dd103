"""One queue item under /manage/queue/<id>: its page (history, due dates, the forms allowed now) and photos.

Every view loads its item through `get_item`: 404 for an unknown id, 403 outside the user's units
(and, for actions, for inspectors, who only read). The actions' POSTs are in app.feedback.action_views.
"""

from datetime import date
from functools import partial

from flask import abort, current_app, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today
from app.extensions import db
from app.feedback import actions, blueprint, identities
from app.feedback.action_labels import ACTION_LABELS
from app.feedback.calendar import load_calendar
from app.feedback.deadline_flags import deadline_flag
from app.feedback.due_dates import due_date_explanations
from app.feedback.identity_forms import UnsealForm
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.manage_forms import ACTION_FORMS
from app.feedback.models import Feedback, FeedbackEvent, FeedbackPhoto
from app.feedback.permissions import (
    can_act_on_queue_item,
    can_handle_queue_item,
    can_view_identity,
    can_view_queue_item,
)
from app.feedback.public_answers import can_answer_publicly
from app.feedback.publication import draft_summary, public_draft, publication_refusal
from app.feedback.sealing import short_fingerprint
from app.feedback.states import STATUSES
from app.feedback.unit_keys import key_by_fingerprint

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def get_item(item_id, handle=False):
    """Load a queue item: 404 if unknown, 403 if the user may not read it (or, with `handle`, act on it)."""
    item = None
    if item_id <= MAX_ID:
        item = db.session.get(Feedback, item_id, with_for_update=handle or None)
    if item is None:
        abort(404)
    allowed = can_handle_queue_item(current_user, item) if handle else can_view_queue_item(current_user, item)
    if not allowed:
        abort(403)
    return item


def _forward_choices(item):
    """Current units of the item's province (the province itself first), except the item's own unit."""
    root = "/" + item.unit.path.strip("/").split("/")[0] + "/"
    units = db.session.scalars(
        select(AdministrativeUnit).where(AdministrativeUnit.path.startswith(root, autoescape=True))
    ).all()
    units = [unit for unit in units if unit.is_current and unit.id != item.unit_id]
    units.sort(key=lambda unit: (unit.path.count("/"), unit.name))
    return [SelectChoice(unit.code, unit.name) for unit in units]


def prepare_form(form, action, item):
    """Fill the choices (and, on first display, the defaults) a form needs for this item."""
    if action == "forward_internal":
        form.target_unit.choices = [SelectChoice("", _("– Chọn đơn vị –")), *_forward_choices(item)]
    elif action == "extend":
        form.option.choices = [SelectChoice(option.key, option.label) for option in actions.extension_options(item)]
        if len(form.option.choices) == 1 and not form.is_submitted():
            form.option.data = form.option.choices[0].value
    elif action == "assign":
        form.official.choices = [
            SelectChoice("", _("– Chọn cán bộ –")),
            *(
                SelectChoice(str(user.id), f"{user.display_name or user.username} ({user.username})")
                for user in actions.assignable_officials(item)
                if user.id != item.assigned_to_id
            ),
        ]
    elif action == "reply" and can_answer_publicly(item):
        # The public question starts from the redacted draft, never from the citizen's words verbatim.
        form.draft = public_draft(item)
        form.publication_check = partial(publication_refusal, item)
        if not form.is_submitted():
            form.public_question.data = item.public_question or form.draft.text
    return form


def _action_forms(item, bound=None):
    """The forms for every action the user may take on the item now."""
    forms = {}
    for action, form_class in ACTION_FORMS.items():
        if not can_act_on_queue_item(current_user, item, action):
            continue
        if action == "extend" and not actions.extension_options(item):
            continue
        if bound is not None and bound[0] == action:
            forms[action] = bound[1]
        else:
            forms[action] = prepare_form(form_class(formdata=None, prefix=action), action, item)
    return forms


def _identity_context(item, identity, unseal_form):
    """What the "Người gửi" section needs: the identity shown now, or the form that shows it, and the key.

    `is_sealed` says the form takes the unit's key: the identity or the photos (a denunciation's) are sealed.
    """
    may_view = can_view_identity(current_user, item)
    if identity is None and may_view and not identities.is_audited(item):
        identity = identities.clear_identity(item)
    if unseal_form is None and may_view and identities.is_audited(item):
        unseal_form = UnsealForm(formdata=None)
    fingerprint = identities.sealed_fingerprint(item)
    return {
        "identity": identity,
        "unseal_form": unseal_form if identity is None else None,
        "may_view_identity": may_view,
        "is_sealed": identities.needs_key(item),
        "sealed_key": key_by_fingerprint(fingerprint),
        "sealed_fingerprint": short_fingerprint(fingerprint),
    }


def render_item(item, bound=None, identity=None, unseal_form=None, opened_photos=()):
    """The item page; `bound` is (action, form) to show a posted form with its errors.

    `identity` is shown when given (a complaint's or denunciation's, just opened and recorded); the
    other kinds' is shown to whoever may see it. `opened_photos` (sealed_photos.OpenedPhoto, opened with
    the identity) are shown inline in place of "sealed".
    """
    calendar = load_calendar()
    today = local_today()
    events = db.session.scalars(
        select(FeedbackEvent)
        .where(FeedbackEvent.feedback_id == item.id)
        .options(joinedload(FeedbackEvent.actor).joinedload(User.unit))
        .order_by(FeedbackEvent.id)
    ).all()
    return render_template(
        "feedback/manage/item.html",
        item=item,
        events=events,
        forms=_action_forms(item, bound),
        flag=deadline_flag(item, today, calendar),
        periods=due_date_explanations(item, calendar),
        **_identity_context(item, identity, unseal_form),
        opened_photos={photo.photo_id: photo for photo in opened_photos},
        may_answer_publicly=can_answer_publicly(item),
        draft_summary=draft_summary,
        action_labels=ACTION_LABELS,
        statuses=STATUSES,
        kinds=FEEDBACK_KINDS,
        iso_date=_iso_date_text,
    )


def _iso_date_text(text):
    """ "2026-03-06" → "06/03/2026" (dates kept in event data); "–" for none."""
    if not text:
        return "–"
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(text)


@blueprint.get("/manage/queue/<int:item_id>")
@login_required
def manage_show_item(item_id):
    """The item with its full history, due dates and the actions allowed now.

    A complaint's or denunciation's identity is shown only on request (POST …/identity, with the unit's
    key for a sealed one), to those who may see it, and each showing is recorded.
    """
    item = (
        db.session.get(
            Feedback,
            item_id,
            options=[joinedload(Feedback.unit), selectinload(Feedback.photos), selectinload(Feedback.events)],
        )
        if item_id <= MAX_ID
        else None
    )
    if item is None:
        abort(404)
    if not can_view_queue_item(current_user, item):
        abort(403)
    return render_item(item)


@blueprint.get("/manage/queue/<int:item_id>/photos/<int:photo_id>")
@login_required
def manage_photo(item_id, photo_id):
    """A citizen's photo, for the officials and inspectors who may read the item; never cached publicly.

    A sealed photo (a denunciation's) is never served: the server cannot read it, and only the sealed box
    is on disk. The handler sees it opened with the identity (POST …/identity).
    """
    from app.feedback.photos import photo_path

    item = get_item(item_id)
    photo = db.session.get(FeedbackPhoto, photo_id) if photo_id <= MAX_ID else None
    if photo is None or photo.feedback_id != item.id or photo.is_sealed:
        abort(404)
    path = photo_path(photo.stored_name)
    if not path.is_file():
        current_app.logger.error("Photo %s of item %s is missing on disk", photo.id, item.id)
        abort(404)
    response = send_file(path, mimetype=photo.media_type, conditional=True, etag=photo.sha256)
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
