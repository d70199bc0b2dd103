"""The administrators' read-only unit tree: every unit of their subtree with what it holds."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.accounts.models import AdministrativeUnit, User
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES
from app.notices.models import Notice


@dataclass
class UnitRow:
    """A unit, its depth under the root, and the totals of its whole subtree."""

    unit: AdministrativeUnit
    depth: int
    accounts: int = 0
    notices: int = 0
    open_items: int = 0


def _counts_by_unit(query):
    return dict(db.session.execute(query).all())


def unit_rows(root):
    """The root and its descendants, depth first and by name, with subtree totals of
    active accounts, published notices and open queue items."""
    units = db.session.scalars(select(AdministrativeUnit).where(root.subtree_clause())).all()
    subtree = select(AdministrativeUnit.id).where(root.subtree_clause())
    direct = {
        "accounts": _counts_by_unit(
            select(User.unit_id, func.count())
            .where(User.unit_id.in_(subtree), User.is_active.is_(True))
            .group_by(User.unit_id)
        ),
        "notices": _counts_by_unit(
            select(Notice.unit_id, func.count())
            .where(Notice.unit_id.in_(subtree), Notice.status == "published")
            .group_by(Notice.unit_id)
        ),
        "open_items": _counts_by_unit(
            select(Feedback.unit_id, func.count())
            .where(Feedback.unit_id.in_(subtree), Feedback.status.in_(OPEN_STATUSES))
            .group_by(Feedback.unit_id)
        ),
    }
    root_depth = root.path.count("/")
    rows = {unit.path: UnitRow(unit, unit.path.count("/") - root_depth) for unit in units}
    # Each unit's own counts go to every unit on its path that is in the tree (itself included).
    for unit in units:
        codes = unit.path.strip("/").split("/")
        ancestors = ["/" + "/".join(codes[:length]) + "/" for length in range(1, len(codes) + 1)]
        for path in ancestors:
            row = rows.get(path)
            if row is None:
                continue
            for name, counts in direct.items():
                setattr(row, name, getattr(row, name) + counts.get(unit.id, 0))
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered, stack = [], [root]
    while stack:
        unit = stack.pop()
        ordered.append(rows[unit.path])
        stack.extend(sorted(children.get(unit.id, []), key=lambda child: child.name, reverse=True))
    return ordered
