"""POST /manage/queue/<id>/identity: show a complaint's identity, or open a sealed denunciation's with the key.

The unit's private key comes with the request (a key file or pasted text), is used in memory to open
the identity and the sealed photos for this one response (the photos inline, as data: URIs), and is
dropped with it: nothing of the key, the clear identity or the photos is stored, logged or cached
(no-store). Each showing is an internal event and an audit entry with the official's name, reason and
how many photos it opened; a wrong key is a Vietnamese message on the page, never a 500.
"""

from flask import abort, make_response
from flask_login import current_user, login_required

from app.extensions import db
from app.feedback import actions, blueprint
from app.feedback.identities import IdentityError
from app.feedback.identity_forms import UnsealForm, submitted_key
from app.feedback.item_views import current_actor, get_item, render_item
from app.feedback.permissions import can_view_identity


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
