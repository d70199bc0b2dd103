"""Read-only queries of the public pages: the directory of units and their notice counts."""

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.notices.queries import count_by_unit

# Words a unit's name starts with; citizens look their commune up by what follows.
_KIND_PREFIXES = ("đặc khu ", "thị trấn ", "phường ", "xã ", "tỉnh ", "thành phố ")


def unit_sort_key(unit):
    """Sort key for unit names in Vietnamese alphabetical order, ignoring "Xã", "Phường"…."""
    name = unit.name.casefold()
    for prefix in _KIND_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    # d sorts before đ; other letters by their base letter (tones and hats only break ties).
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d\uffff"))
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    return base, name


def _current_clause(today):
    return (
        or_(AdministrativeUnit.valid_from.is_(None), AdministrativeUnit.valid_from <= today),
        or_(AdministrativeUnit.valid_to.is_(None), AdministrativeUnit.valid_to >= today),
    )


def current_children(unit):
    """Return the unit's children that exist today, in alphabetical order."""
    return sorted((child for child in unit.children if child.is_current), key=unit_sort_key)


def current_provinces():
    """Return the top-level units that exist today, their children loaded in the same round trip."""
    query = (
        select(AdministrativeUnit)
        .options(selectinload(AdministrativeUnit.children))
        .where(AdministrativeUnit.parent_id.is_(None), *_current_clause(local_today()))
        .order_by(AdministrativeUnit.name)
    )
    return list(db.session.scalars(query))


def current_notice_counts(units):
    """Return {unit id: current notices of the unit and all its descendants} in two queries."""
    if not units:
        return {}
    rows = db.session.execute(
        select(AdministrativeUnit.id, AdministrativeUnit.path).where(or_(*(unit.subtree_clause() for unit in units)))
    ).all()
    own_counts = count_by_unit([row.id for row in rows])
    totals_by_path = {}
    for unit_id, path in rows:
        count = own_counts.get(unit_id, 0)
        if not count:
            continue
        # "/24/07627/" counts for "/24/" and for "/24/07627/".
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:depth]) + "/"
            totals_by_path[prefix] = totals_by_path.get(prefix, 0) + count
    return {unit.id: totals_by_path.get(unit.path, 0) for unit in units}


@dataclass
class DirectoryEntry:
    """A province with its current notice count and its communes/wards with theirs."""

    unit: AdministrativeUnit
    count: int = 0
    children: list = field(default_factory=list)  # [(unit, count)]

    @property
    def posted_children(self):
        """The children with current notices, as (unit, count)."""
        return [(child, count) for child, count in self.children if count]

    @property
    def silent_children(self):
        """The children with no current notice, as (unit, 0)."""
        return [(child, count) for child, count in self.children if not count]


def unit_directory(with_counts=True):
    """Return the current provinces and their current communes/wards, with current notice counts."""
    provinces = current_provinces()
    children = {province.id: current_children(province) for province in provinces}
    counts = {}
    if with_counts:
        counts = current_notice_counts(provinces + [child for group in children.values() for child in group])
    return [
        DirectoryEntry(
            unit=province,
            count=counts.get(province.id, 0),
            children=[(child, counts.get(child.id, 0)) for child in children[province.id]],
        )
        for province in provinces
    ]


def directory_size(directory):
    """Return how many units a directory lists (provinces and their children)."""
    return sum(1 + len(entry.children) for entry in directory)


def directory_codes(directory):
    """Return the codes of every unit a directory lists."""
    return {entry.unit.code for entry in directory} | {
        child.code for entry in directory for child, _count in entry.children
    }
