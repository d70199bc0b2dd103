"""The staff homes: /manage sends each role to its work; the leader's overview; the administration page."""

from flask import abort, redirect, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.permissions import can_use_administration, can_use_user_management
from app.clock import local_today
from app.extensions import db
from app.feedback.admin import list_overrides
from app.feedback.calendar import load_calendar
from app.feedback.deadline_flags import deadline_flag
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.models import DeadlineRule
from app.feedback.states import STATUSES
from app.workspaces import blueprint
from app.workspaces import overview as overview_queries
from app.workspaces.homes import home_url
from app.workspaces.permissions import can_use_overview
from app.workspaces.unit_tree import unit_rows


@blueprint.get("/manage")
@login_required
def home():
    """Send the signed-in user to where their role's work starts."""
    return redirect(home_url(current_user))


@blueprint.get("/manage/overview")
@login_required
def overview():
    """The unit at a glance for its leader: who holds what, notices to watch, complaints and denunciations."""
    if not can_use_overview(current_user):
        abort(403)
    unit = current_user.unit
    today = local_today()
    chairman_items = overview_queries.open_chairman_items(unit)
    calendar = load_calendar()
    return render_template(
        "workspaces/overview.html",
        unit=unit,
        today=today,
        loads=overview_queries.queue_by_official(unit, today),
        ending=overview_queries.notices_ending_soon(unit, today),
        late=overview_queries.notices_posted_late(unit, today),
        chairman_items=chairman_items,
        flags={item.id: deadline_flag(item, today, calendar) for item in chairman_items.rows},
        kinds=FEEDBACK_KINDS,
        statuses=STATUSES,
        ending_days=overview_queries.ENDING_SOON_DAYS,
    )


@blueprint.get("/manage/admin")
@login_required
def administration():
    """The administrators' page: accounts, deadline rules, holiday overrides and the unit tree."""
    if not can_use_administration(current_user):
        abort(403)
    unit = current_user.unit
    accounts = db.session.execute(
        select(User.is_active, func.count()).where(User.unit.has(unit.subtree_clause())).group_by(User.is_active)
    ).all()
    return render_template(
        "workspaces/administration.html",
        unit=unit,
        rows=unit_rows(unit),
        accounts=dict(accounts),
        rule_count=db.session.scalar(select(func.count()).select_from(DeadlineRule)),
        overrides=list_overrides(),
        can_manage_accounts=can_use_user_management(current_user),
    )
