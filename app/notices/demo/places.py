"""Demo communes: villages, projects and the officers who answer citizens' questions.

Everything is drawn from a seeded random generator, so the same seed gives the same
province every time. The names are data (data/places.toml).
"""

from dataclasses import dataclass, field

from app.notices.demo.datafiles import load_data
from app.phones import InvalidPhoneNumber, to_e164

PLACES = load_data(__package__, "places.toml")
MOBILE_PREFIXES = PLACES["mobile_prefixes"]
SURNAMES = PLACES["surnames"]
MALE_MIDDLE, FEMALE_MIDDLE = PLACES["male_middle"], PLACES["female_middle"]
MALE_GIVEN, FEMALE_GIVEN = PLACES["male_given"], PLACES["female_given"]
VILLAGE_NAMES = PLACES["village_names"]
STREET_QUARTERS = PLACES["street_quarters"]
FIELDS = PLACES["fields"]
PROVINCE_PROJECTS = PLACES["province_projects"]
LOCAL_PROJECTS = PLACES["local_projects"]
WORKS = PLACES["works"]
# (identifier, position in a commune, position in a ward)
OFFICER_ROLES = tuple((role, *positions) for role, positions in PLACES["officer_roles"].items())
CATEGORY_OFFICERS = PLACES["category_officers"]


@dataclass
class Officer:
    name: str
    position: str
    phone: str  # E.164
    honorific: str  # "ông" or "bà"


@dataclass
class Commune:
    """One demo commune or ward and everything a notice of it refers to."""

    unit_id: int
    code: str
    name: str  # "Xã Đại Sơn"
    kind: str
    villages: list = field(default_factory=list)
    officers: dict = field(default_factory=dict)
    spare_officers: list = field(default_factory=list)

    @property
    def short_name(self):
        """The name without its kind: "Đại Sơn"."""
        return self.name.split(" ", 1)[1] if " " in self.name else self.name

    @property
    def label(self):
        """The name as written inside a sentence: "xã Đại Sơn"."""
        return self.name[:1].lower() + self.name[1:]

    @property
    def is_ward(self):
        return self.kind == "ward"

    @property
    def kind_label(self):
        """What people call the unit inside a sentence: "xã" or "phường"."""
        return "phường" if self.is_ward else "xã"

    @property
    def village_head(self):
        return "tổ trưởng tổ dân phố" if self.is_ward else "trưởng thôn"

    @property
    def people_committee(self):
        return f"UBND {self.label}"

    @property
    def people_committee_full(self):
        return f"Ủy ban nhân dân {self.label}"

    def officer_for(self, category, rng):
        """Return the officer who answers questions on a notice of this category."""
        roles = CATEGORY_OFFICERS[category]
        role = roles[0] if rng.random() < 0.75 else rng.choice(roles)
        return self.officers[role]


def person(rng):
    """Return a Vietnamese full name and how to address the person ("ông" or "bà")."""
    male = rng.random() < 0.5
    middles, givens = (MALE_MIDDLE, MALE_GIVEN) if male else (FEMALE_MIDDLE, FEMALE_GIVEN)
    surname, middle, given = rng.choice(SURNAMES), rng.choice(middles), rng.choice(givens)
    while given == middle:  # no "Nguyễn Phương Phương"
        given = rng.choice(givens)
    return f"{surname} {middle} {given}", "ông" if male else "bà"


def _officer(rng, position):
    name, honorific = person(rng)
    return Officer(name, position, mobile_number(rng), honorific)


def mobile_number(rng):
    """Return a valid Vietnamese mobile number in E.164."""
    while True:
        local = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(7))
        try:
            return to_e164(local)
        except InvalidPhoneNumber:
            continue


def build_commune(unit, rng):
    """Invent villages and officers for an administrative unit."""
    commune = Commune(unit_id=unit.id, code=unit.code, name=unit.name, kind=unit.kind)
    if commune.is_ward:
        numbered = [f"tổ dân phố số {number}" for number in rng.sample(range(1, 16), 4)]
        named = [f"tổ dân phố {name}" for name in rng.sample(STREET_QUARTERS, 4)]
        commune.villages = numbered + named
    else:
        commune.villages = [f"thôn {name}" for name in rng.sample(VILLAGE_NAMES, 8)]
    ward_position = 2 if commune.is_ward else 1
    for role in OFFICER_ROLES:
        commune.officers[role[0]] = _officer(rng, role[ward_position])
    # Officers who took over a duty later (corrections of the contact person).
    for role in rng.sample(OFFICER_ROLES, 3):
        commune.spare_officers.append(_officer(rng, role[ward_position]))
    return commune
