"""Who may open the staff homes this package serves (the rest are the domains' own areas)."""

from app.accounts.permissions import can_use_manage_area

OVERVIEW_ROLES = frozenset({"leader", "admin"})


def can_use_overview(user):
    """The overview (/manage/overview): leaders of a commune, and administrators of their subtree."""
    return can_use_manage_area(user) and user.role in OVERVIEW_ROLES
