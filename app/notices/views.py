"""Public notice pages: home, list, notice, unit page, attachment download."""

from flask import abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.notices import blueprint
from app.notices.models import Attachment, Notice
from app.notices.page_parts import notice_parts, unit_parts
from app.notices.permissions import can_view_notice
from app.notices.public_queries import (
    current_children,
    current_notice_counts,
    directory_codes,
    directory_size,
    unit_directory,
)
from app.notices.queries import (
    FilterError,
    NoticeFilters,
    closing_soon_query,
    page_number,
    paginate,
    public_notices_query,
)
from app.notices.storage import send_stored
from app.urls import notice_short_url

HOME_LIST_LENGTH = 10
# The home page shows this many of each list; the rest fold under "Xem thêm" (a phone screen is short).
HOME_SHOWN_FIRST = 5
CLOSING_SOON_DAYS = 7
# Ids are 32-bit integers in PostgreSQL; a larger number in the URL names nothing.
MAX_ID = 2**31 - 1
MAX_CODE_LENGTH = 16
# Above this many units the unit filter is a code box instead of a (too heavy) select.
MAX_UNIT_OPTIONS = 400
FILTER_NAMES = ("unit", "category", "status", "from", "to")
# The kinds of unit a citizen's question is sent to (the feedback form checks the same).
FEEDBACK_UNIT_KINDS = frozenset({"commune", "ward", "special_zone"})
ATTACHMENT_MAX_AGE = 3600


def _page_number():
    return page_number(request.args.get("page"))


def get_notice(notice_id):
    """Return the notice if the current user may read it; 404 otherwise (drafts are not revealed)."""
    notice = None
    if notice_id <= MAX_ID:
        notice = db.session.get(
            Notice,
            notice_id,
            options=[joinedload(Notice.unit), selectinload(Notice.versions), selectinload(Notice.attachments)],
        )
    if notice is None or not can_view_notice(current_user, notice):
        abort(404)
    return notice


def get_unit(code):
    """Return the administrative unit with this code, or 404."""
    unit = AdministrativeUnit.by_code(code) if len(code) <= MAX_CODE_LENGTH else None
    if unit is None:
        abort(404)
    return unit


def _parse_filters(args):
    """Return (filters, errors); on bad input filters is None and errors names every invalid filter."""
    try:
        return NoticeFilters.from_args(args, typed_dates=True), {}
    except FilterError:
        pass
    errors = {}
    # One filter at a time, then all together (from > to), so the visitor sees every mistake at once.
    for subset in [{name: args.get(name, "")} for name in FILTER_NAMES] + [args]:
        try:
            NoticeFilters.from_args(subset, typed_dates=True)
        except FilterError as error:
            # str(): the message quotes what the visitor typed and must be escaped like any text.
            errors.setdefault(error.field, str(error.message))
    return None, errors


def _filtered_page(args, unit=None):
    """Return (filters, pagination, errors) for the filters in `args`; no pagination when they are invalid.

    With `unit`, the page is that unit's and any unit in the arguments is ignored.
    """
    if unit is not None:
        args = {name: value for name, value in args.items() if name != "unit"}
    filters, errors = _parse_filters(args)
    if filters is None:
        return None, None, errors
    if unit is not None:
        filters.unit = unit
    per_page = current_app.config["NOTICES_PER_PAGE"]
    return filters, paginate(public_notices_query(filters), _page_number(), per_page), {}


@blueprint.route("/")
def index():
    """Home: search box, latest notices, notices closing soon, communes."""
    latest = public_notices_query(NoticeFilters(status="current")).limit(HOME_LIST_LENGTH)
    closing = closing_soon_query(days=CLOSING_SOON_DAYS).limit(HOME_LIST_LENGTH)
    return render_template(
        "notices/index.html",
        latest=db.session.scalars(latest).all(),
        closing_soon=db.session.scalars(closing).all(),
        directory=unit_directory(),
        closing_soon_days=CLOSING_SOON_DAYS,
        shown_first=HOME_SHOWN_FIRST,
        today=local_today(),
    )


@blueprint.route("/notices")
def list_notices():
    """List public notices with filters and pagination."""
    filters, pagination, errors = _filtered_page(request.args)
    directory = unit_directory(with_counts=False)
    if directory_size(directory) > MAX_UNIT_OPTIONS:
        directory = None
    chosen = filters.unit if filters else None
    return render_template(
        "notices/list.html",
        filters=filters,
        pagination=pagination,
        errors=errors,
        values={name: request.args.get(name, "") for name in FILTER_NAMES},
        url_args=filters.as_args() if filters else {},
        directory=directory,
        # A unit outside the select (a former unit, say) still shows as chosen.
        extra_unit=chosen if chosen and directory and chosen.code not in directory_codes(directory) else None,
    )


@blueprint.route("/notices/<int:notice_id>")
def show_notice(notice_id):
    """Show one notice: summary first, officer's phone, period, attachments, versions, public answers."""
    notice = get_notice(notice_id)
    return render_template(
        "notices/show.html", notice=notice, short_url=notice_short_url(notice), **notice_parts(notice)
    )


@blueprint.route("/notices/<int:notice_id>/attachments/<int:attachment_id>")
def download_attachment(notice_id, attachment_id):
    """Send an attachment with a safe Content-Disposition and nosniff."""
    notice = get_notice(notice_id)
    attachment = db.session.get(Attachment, attachment_id) if attachment_id <= MAX_ID else None
    if attachment is None or attachment.notice_id != notice.id:
        abort(404)
    response = send_stored(
        attachment.stored_name,
        attachment.media_type,
        attachment.original_name,
        attachment.sha256,
        # Stored files never change (a new file is a new attachment); a draft's files stay out of shared caches.
        ATTACHMENT_MAX_AGE if notice.is_public else None,
        f"Attachment {attachment.id} of notice {notice.id}",
    )
    if not notice.is_public:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


@blueprint.route("/units/<code>")
def show_unit(code):
    """A unit's page: its notices (with descendants) and its figures."""
    unit = get_unit(code)
    filters, pagination, errors = _filtered_page(request.args, unit=unit)
    children = current_children(unit)
    counts = current_notice_counts(children)
    url_args = {name: value for name, value in filters.as_args().items() if name != "unit"} if filters else {}
    return render_template(
        "notices/unit.html",
        unit=unit,
        is_former=unit.valid_to is not None and unit.valid_to < local_today(),
        children=[(child, counts.get(child.id, 0)) for child in children],
        filters=filters,
        pagination=pagination,
        errors=errors,
        values={name: request.args.get(name, "") for name in FILTER_NAMES},
        url_args={"code": unit.code, **url_args},
        # The form is preselected with the unit only when it takes questions (a commune or ward of today).
        ask_unit=unit.code if unit.kind in FEEDBACK_UNIT_KINDS and unit.is_current else None,
        **unit_parts(unit),
    )
