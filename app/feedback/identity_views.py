"""Showing the sender of an item: a complaint's identity, or a sealed denunciation's opened with the unit's key.

In the browser (static/js/unseal.js, the item page's default): the page reads the key file or the pasted
key itself and asks POST /manage/queue/<id>/identity/sealed, with the reason only, for the sealed boxes
as stored; it opens them on the official's computer, so the key never reaches the server.

Without JavaScript, POST /manage/queue/<id>/identity: the key comes with the request (a key file or
pasted text), is used in memory to open the identity and the sealed photos for this one response (the
photos inline, as data: URIs), and is dropped with it: nothing of the key, the clear identity or the
photos is stored, logged or cached (no-store).

Either way each showing is an internal event and an audit entry with the official's name, reason and
how many photos it handed over or opened; a wrong key is a Vietnamese message, never a 500.
"""

import base64
from dataclasses import asdict

from flask import abort, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import AdministrativeUnit
from app.accounts.sessions import current_actor
from app.extensions import db
from app.feedback import actions, blueprint, identities, resealing
from app.feedback.identities import IdentityError
from app.feedback.identity_forms import SealedRequestForm, UnsealForm, submitted_key
from app.feedback.item_views import get_item, render_item
from app.feedback.permissions import can_view_identity, may_take_action
from app.feedback.unit_keys import sealing_key_for


def _private(body, status=200):
    """A page that may hold an identity: never kept by a browser or a proxy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@blueprint.post("/manage/queue/<int:item_id>/identity")
@login_required
def manage_unseal_identity(item_id):
    """Show the sender's identity to the assigned handler (or a complaint's to the leader), with a reason."""
    item = get_item(item_id, handle=True)
    if not can_view_identity(current_user, item):
        abort(403)
    form = UnsealForm()
    if not form.validate_on_submit():
        return _private(render_item(item, unseal_form=form), 422)
    try:
        revealed = actions.view_identity(item, current_actor(), form.reason.data, submitted_key(form))
    except IdentityError as error:
        db.session.rollback()
        form.key_file.errors.append(error.message)
        return _private(render_item(item, unseal_form=form), 422)
    db.session.commit()
    return _private(render_item(item, identity=revealed.identity, opened_photos=revealed.photos))


def _b64(data):
    return base64.b64encode(data).decode("ascii")


@blueprint.post("/manage/queue/<int:item_id>/identity/sealed")
@login_required
def manage_sealed_identity(item_id):
    """The sealed identity and photos as stored (JSON), for the handler's browser to open with the key it
    holds; recorded as a showing with the reason. 409 when nothing of the item is sealed."""
    item = get_item(item_id, handle=True)
    if not can_view_identity(current_user, item):  # said in JSON: the page's script shows it
        message = _("Chỉ cán bộ được phân công giải quyết hồ sơ này mới mở được danh tính người gửi.")
        return _private(jsonify(message=message), 403)
    if not identities.needs_key(item):
        return _private(jsonify(message=_("Danh tính của hồ sơ này không được niêm phong.")), 409)
    form = SealedRequestForm()
    if not form.validate_on_submit():
        errors = {name: str(messages[0]) for name, messages in form.errors.items() if messages}
        return _private(jsonify(message=" ".join(errors.values()), errors=errors), 422)
    parts = identities.hand_over_sealed(item, form.reason.data, actor=current_actor())
    db.session.commit()
    return _private(
        jsonify(
            identity=parts.identity,
            identity_key=item.sealed_key_fingerprint if parts.identity else None,
            clear_identity=asdict(parts.clear) if parts.clear is not None else None,
            key=parts.fingerprint,
            photos=[
                {
                    "number": photo.number,
                    "id": photo.photo_id,
                    "media_type": photo.media_type,
                    "box": _b64(photo.box),
                    "key": photo.fingerprint,
                }
                for photo in parts.photos
            ],
        )
    )


@blueprint.get("/manage/queue/<int:item_id>/forward-key")
@login_required
def manage_forward_key(item_id):
    """For sealing again in the browser: the public key the unit `?unit=CODE` seals with, and whether moving the
    item there needs it (public keys are not secret; only the item's handlers ask)."""
    item = get_item(item_id, handle=True)
    if not may_take_action(current_user, item, "forward_internal"):
        abort(403)
    code = request.args.get("unit", "")
    unit = AdministrativeUnit.by_code(code) if 0 < len(code) <= 16 else None
    if unit is None:
        return _private(jsonify(message=_("Không tìm thấy đơn vị nhận; hãy chọn một đơn vị trong danh sách.")), 404)
    key = sealing_key_for(unit)
    return _private(
        jsonify(
            unit=unit.code,
            needs_reseal=resealing.needs_reseal(item, unit),
            fingerprint=key.fingerprint,
            public_key=key.public_key,
        )
    )
