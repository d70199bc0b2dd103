"""The citizen answers the commune's request for more information from the tracking page.

Only while the item waits for the citizen; the text is kept as an internal note (like an official's
record of a reply by phone), the clock runs again, and the officials handling the item are told.
"""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.feedback import actions, blueprint
from app.feedback.forms import InformationForm
from app.feedback.intake import PAUSED_STATUS
from app.feedback.views import get_item, render_track, submission_limit


@blueprint.post("/track/<code>/information")
@submission_limit
def add_information(code):
    """Send the information the commune asked for; the item goes back to the officials."""
    item = get_item(code, for_update=True)
    track_url = url_for("feedback.track", code=item.tracking_code)
    if item.status != PAUSED_STATUS:
        flash(_("Xã không đề nghị bổ sung thông tin cho ý kiến này lúc này."), "info")
        return redirect(track_url, code=303)
    form = InformationForm()
    if not form.validate_on_submit():
        return render_track(item, information_form=form, status=422)
    actions.receive_information(item, None, form.text.data)
    db.session.commit()
    flash(_("Đã gửi thông tin bổ sung; xã tiếp tục giải quyết ý kiến của bạn."), "success")
    return redirect(track_url, code=303)
