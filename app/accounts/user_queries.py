"""Read queries for user management: the accounts a user manages, searched and paged; the units they may give."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import AdministrativeUnit, User
from app.accounts.permissions import assignable_roles
from app.extensions import db

USERS_PER_PAGE = 25
MAX_PAGE = 10_000
MAX_SEARCH_LENGTH = 100


def page_number(text):
    """?page= as a number from 1 to MAX_PAGE; anything that is not a whole number is page 1."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    digits = text.lstrip("0") or "0"
    # int() refuses strings of over 4,300 digits, and a number that long is past the last page anyway.
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else min(max(int(digits), 1), MAX_PAGE)


def _search_terms(search):
    """The spellings to look for: SQLite's lower() folds only ASCII, so "đỗ" must also be tried as "Đỗ"."""
    lowered = search.lower()
    return {lowered, lowered.title(), search}


def managed_users_query(actor, search=""):
    """SELECT the accounts `actor` manages (their subtree, roles at or below theirs), matching `search`."""
    query = (
        select(User)
        .join(User.unit)
        .options(contains_eager(User.unit))
        .where(actor.unit.subtree_clause(), User.role.in_(assignable_roles(actor)))
    )
    search = (search or "").strip()[:MAX_SEARCH_LENGTH]
    if search:
        matches = []
        for term in _search_terms(search):
            matches.append(User.display_name.contains(term, autoescape=True))
        matches.append(func.lower(User.username).contains(search.lower(), autoescape=True))
        query = query.where(or_(*matches))
    return query.order_by(AdministrativeUnit.path, User.display_name, User.id)


def managed_users_page(actor, search, page):
    """Return one page (Flask-SQLAlchemy Pagination) of the accounts `actor` manages."""
    return db.paginate(
        managed_users_query(actor, search), page=page, per_page=USERS_PER_PAGE, error_out=False, count=True
    )


def assignable_units(actor, current=None):
    """The units `actor` may bind an account to (their subtree, current units), plus `current` if given."""
    units = db.session.scalars(
        select(AdministrativeUnit).where(actor.unit.subtree_clause()).order_by(AdministrativeUnit.path)
    ).all()
    return [unit for unit in units if unit.is_current or (current is not None and unit.id == current.id)]
