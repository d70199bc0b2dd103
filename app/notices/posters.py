"""Short URLs, QR codes and printable posters of notices."""

import re
import secrets

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.notices import blueprint
from app.notices.models import Notice
from app.notices.permissions import can_view_notice
from app.notices.qr import MEDIA_TYPES, qr_bytes, qr_etag
from app.notices.services import SHORT_CODE_ALPHABET
from app.security import CONTENT_SECURITY_POLICY
from app.urls import notice_short_url

QR_MAX_AGE = 24 * 60 * 60  # a day: the short URL of a notice never changes
_SEPARATORS = re.compile(r"[\s\-]+")
# An SVG is a document that could carry scripts: ours never does, and the browser is told so.
COMPACT_LOAD, DENSE_LOAD = 450, 800  # calibrated by printing worst cases in Chromium
SVG_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


def normalise_short_code(text):
    """Return the short code as printed (uppercase, no spaces or hyphens), or None if it cannot be one."""
    code = _SEPARATORS.sub("", text or "").upper()
    if not code or len(code) > 12 or any(character not in SHORT_CODE_ALPHABET for character in code):
        return None
    return code


def get_public_notice_with_code(notice_id):
    """Return the notice if citizens may read it and it has a short code; 404 otherwise."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or not notice.is_public or not notice.short_code:
        abort(404)
    return notice


def get_viewable_notice(notice_id):
    """Return the notice if the current user may read it (drafts: the unit's staff); 404 otherwise."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or not can_view_notice(current_user, notice):
        abort(404)
    return notice


@blueprint.route("/n/<code>")
def short_url(code):
    """Redirect the short URL printed in the QR code to the notice."""
    normalised = normalise_short_code(code)
    if normalised is None:
        abort(404)
    notice = db.session.scalar(select(Notice).where(Notice.short_code == normalised))
    if notice is None or not notice.is_public:
        abort(404)
    return redirect(url_for("notices.show_notice", notice_id=notice.id), code=302)


def _qr_response(notice, image_format):
    text = notice_short_url(notice)
    response = make_response(qr_bytes(text, image_format))
    response.mimetype = MEDIA_TYPES[image_format]
    response.set_etag(qr_etag(text, image_format))
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    if image_format == "svg":
        response.headers["Content-Security-Policy"] = SVG_CONTENT_SECURITY_POLICY
    return response.make_conditional(request)


@blueprint.route("/notices/<int:notice_id>/qr.png")
def qr_png(notice_id):
    """The QR code of the notice's short URL as PNG."""
    return _qr_response(get_public_notice_with_code(notice_id), "png")


@blueprint.route("/notices/<int:notice_id>/qr.svg")
def qr_svg(notice_id):
    """The QR code of the notice's short URL as SVG."""
    return _qr_response(get_public_notice_with_code(notice_id), "svg")


def _length_class(text, long_from, very_long_from):
    length = len(text or "")
    if length >= very_long_from:
        return "very-long"
    if length >= long_from:
        return "long"
    return "normal"


def poster_density(notice):
    """Return how tightly the poster is set ("normal", "compact", "dense") so it fits one A4 page.

    The title and summary have their own size classes; this weighs the rest of the
    text, which sits beside the QR code at the bottom of the sheet.
    """
    load = (
        len(notice.legal_reference or "")
        + len(notice.place or "")
        + len(notice.contact_position or "")
        + 2 * len(notice.contact_name or "")
        + (len(notice.withdrawal_reason or "") if notice.status == "withdrawn" else 0)
        + len(notice.title) // 2
        + len(notice.summary) // 4
    )
    if load >= DENSE_LOAD:
        return "dense"
    if load >= COMPACT_LOAD:
        return "compact"
    return "normal"


@blueprint.route("/notices/<int:notice_id>/poster")
def poster(notice_id):
    """The printable A4 poster of the notice."""
    notice = get_viewable_notice(notice_id)
    # The print button is a tiny inline script, allowed by a nonce for this page only.
    nonce = secrets.token_urlsafe(16)
    html = render_template(
        "notices/poster.html",
        notice=notice,
        short_url=notice_short_url(notice),
        title_size=_length_class(notice.title, 90, 180),
        summary_size=_length_class(notice.summary, 250, 400),
        density=poster_density(notice),
        script_nonce=nonce,
    )
    response = make_response(html)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", f"script-src 'self' 'nonce-{nonce}'"
    )
    if not notice.is_public:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response
