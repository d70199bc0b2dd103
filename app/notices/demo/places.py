"""Demo communes: villages, projects and the officers who answer citizens' questions.

Everything is drawn from a seeded random generator, so the same seed gives the same
province every time. Names are invented but written the way a Bắc Ninh commune writes them.
"""

from dataclasses import dataclass, field

from app.phones import InvalidPhoneNumber, to_e164

# Mobile prefixes that app.phones accepts (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile).
MOBILE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098",
    "081", "082", "083", "084", "085", "088", "091", "094",
    "070", "076", "077", "078", "079", "090", "093",
    "056", "058", "092", "059", "099",
)  # fmt: skip

SURNAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Ngô", "Dương",
    "Bùi", "Đặng", "Thân", "Giáp", "Hà", "Lương", "Chu", "Nông", "Đào", "Trịnh", "Phan",
)  # fmt: skip
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Đình", "Công", "Mạnh", "Tiến")
FEMALE_MIDDLE = ("Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Thúy", "Kim", "Phương")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Duy", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh",
    "Long", "Nam", "Phong", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung", "Tuấn",
    "Việt", "Vinh",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huyền", "Hương",
    "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Tâm",
    "Thảo", "Thủy", "Trang", "Vân", "Yến",
)  # fmt: skip

VILLAGE_NAMES = (
    "Đồng Đình", "Hạ", "Thượng", "Trung", "Chùa", "Cầu", "Mỹ Lộc", "Yên Lã", "Nội", "Đông",
    "Tây", "Bãi Dài", "Khe Nghè", "Nà Ó", "Làng Mới", "Tân Lập", "Tân Thành", "Hòa Bình",
    "Đồng Bài", "Phúc Lâm", "An Bình", "Thanh Hà", "Xuân Ổ", "Đình Cả", "Cổ Mễ", "Khả Lý",
    "Quế Ổ", "Vân Trì", "Đông Hồ", "Hữu Chấp", "Châu Cầu", "Đa Hội", "Mai Hạ", "Kim Đôi",
    "Ngọc Xuyên", "Đông Xuyên", "Lạc Thổ", "Tiên Lát", "Cẩm Xuyên", "Quán Đỏ", "Chợ Gạo",
    "Tam Sơn", "Giá Sơn", "Lãng Sơn", "Đồng Giao", "Nam Bình", "Bắc Bình", "Thắng Lợi",
    "Đoàn Kết", "Quyết Tiến", "Gốc Gạo", "Trại Mới", "Hố Cao", "Khe Sanh", "Nà Phai",
    "Đồng Khuôn", "Thác Lười", "Bến Gạo", "Phú Thọ", "Kim Sơn", "Lương Tài", "Yên Mỹ",
    "Vàng", "Me", "Dĩnh Xuyên", "Song Khê", "Nội Hoàng", "Liên Sơn", "Đông Lai", "Tiền Môn",
)  # fmt: skip
STREET_QUARTERS = (
    "Thanh Sơn", "Đọ Xá", "Thị Chung", "Xuân Ổ A", "Xuân Ổ B", "Niềm Xá", "Khúc Toại",
    "Hòa Đình", "Bồ Sơn", "Đạo Chân", "Thượng Đồng", "Trần Phú", "Lê Lợi", "Ngô Gia Tự",
    "Hai Bà Trưng", "Nguyễn Văn Cừ", "Đền Đô", "Tiêu Sơn", "Đồng Kỵ", "Trang Liệt",
)  # fmt: skip
FIELD_NAMES = (
    "Đồng Sau", "Cửa Đình", "Bãi Dưới", "Gò Mả", "Đồng Cạn", "Ruộng Trũng", "Đồng Chằm",
    "Ao Sen", "Cửa Chùa", "Đồng Quan", "Mả Lạng", "Bờ Sông",
)  # fmt: skip

# Projects that cross many communes of the province.
PROVINCE_PROJECTS = (
    "Đường vành đai 4 – Vùng Thủ đô Hà Nội",
    "Cải tạo, nâng cấp Quốc lộ 31",
    "Nâng cấp, mở rộng Quốc lộ 37",
    "Đường tỉnh 295 kéo dài",
    "Nâng cấp, mở rộng Đường tỉnh 293",
    "Đường gom cao tốc Hà Nội – Bắc Giang",
    "Đường dây và trạm biến áp 110kV Bắc Ninh 6",
    "Kè chống sạt lở bờ sông Lục Nam",
    "Kênh tiêu trạm bơm Kim Đôi",
)
# Local projects; {village} and {commune} are filled in per notice.
LOCAL_PROJECTS = (
    "Khu dân cư mới {other_village}",
    "Khu dân cư dịch vụ {other_village}",
    "Cụm công nghiệp {commune}",
    "Khu đô thị mới {commune}",
    "Khu nghĩa trang nhân dân {other_village}",
    "Hồ điều hòa {other_village}",
    "Trường Mầm non {commune} (điểm {other_village})",
    "Đường trục chính đoạn {other_village} – {third_village}",
)
WORKS = (
    "Nhà văn hóa {village}",
    "Đường giao thông {village} – {other_village}",
    "Kênh mương nội đồng {village}",
    "Trạm y tế {commune_label}",
    "Cầu dân sinh {village}",
    "Sân thể thao {village}",
    "Cải tạo chợ {commune}",
    "Rãnh thoát nước khu dân cư {village}",
    "Điện chiếu sáng công cộng {village}",
    "Nhà lớp học 2 tầng Trường Tiểu học {commune}",
)

# Officer roles: (identifier, position in a commune, position in a ward).
OFFICER_ROLES = (
    ("chairman", "Chủ tịch UBND xã", "Chủ tịch UBND phường"),
    ("vice_chairman", "Phó Chủ tịch UBND xã", "Phó Chủ tịch UBND phường"),
    ("land", "Công chức Địa chính – Xây dựng", "Công chức Địa chính – Xây dựng – Đô thị và Môi trường"),
    ("finance", "Công chức Tài chính – Kế toán", "Công chức Tài chính – Kế toán"),
    ("social", "Công chức Văn hóa – Xã hội", "Công chức Văn hóa – Xã hội"),
    ("office", "Công chức Văn phòng – Thống kê", "Chánh Văn phòng HĐND và UBND phường"),
    ("justice", "Công chức Tư pháp – Hộ tịch", "Công chức Tư pháp – Hộ tịch"),
    ("economy", "Trưởng phòng Kinh tế", "Trưởng phòng Kinh tế, Hạ tầng và Đô thị"),
)

# Who answers questions on each category (the first is the usual one).
CATEGORY_OFFICERS = {
    "land_recovery": ("land", "vice_chairman", "economy"),
    "site_clearance": ("land", "vice_chairman"),
    "compensation_resettlement": ("land", "economy", "vice_chairman"),
    "investment_project": ("economy", "vice_chairman", "land"),
    "budget": ("finance",),
    "zoning": ("land", "economy"),
    "socio_economic_plan": ("office", "vice_chairman", "economy"),
    "public_land": ("land", "finance"),
    "social_support": ("social",),
    "contributions": ("finance", "social"),
    "inspection": ("office", "vice_chairman"),
    "village_convention": ("justice", "social"),
    "personnel": ("office", "chairman"),
    "other": ("office", "social", "economy"),
}


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
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}", "ông"
    return f"{rng.choice(SURNAMES)} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}", "bà"


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
