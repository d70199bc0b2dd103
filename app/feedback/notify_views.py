"""The citizen's one link to stop the messages about an item: no account, only the tracking code.

GET shows a confirmation button (a mail scanner that follows links must not unsubscribe anyone); POST
stops them. Mail clients' one-click unsubscribe (RFC 8058, `List-Unsubscribe-Post`) POSTs without a
CSRF token, so this one POST is exempt: it can only ever stop messages, for whoever holds the code.
"""

from flask import redirect, render_template, url_for

from app.extensions import csrf, db
from app.feedback import blueprint, notifications
from app.feedback.views import get_item, private_page, tracking_limit


@blueprint.get("/track/<code>/unsubscribe")
@tracking_limit
def unsubscribe(code):
    """Ask the citizen to confirm that they want no more messages about this item."""
    item = get_item(code)
    return private_page(
        render_template("feedback/unsubscribe.html", code=item.tracking_code, state=notifications.notify_state(item))
    )


@blueprint.post("/track/<code>/unsubscribe")
@csrf.exempt
@tracking_limit
def unsubscribe_confirmed(code):
    """Stop every further message about this item (idempotent)."""
    item = get_item(code, for_update=True)
    notifications.stop_notifications(item)
    db.session.commit()
    return redirect(url_for("feedback.unsubscribe", code=item.tracking_code), code=303)
