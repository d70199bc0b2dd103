"""Demo notice texts, written the way a Vietnamese commune writes its notices.

Each category has several title, summary and body templates (data/texts.toml); a notice
combines one of each with its own village, project, figures and dates, so that 100,000 demo
notices do not read alike.
"""

from datetime import timedelta
from functools import lru_cache

from app.notices.demo.datafiles import load_data
from app.notices.demo.places import FIELDS, LOCAL_PROJECTS, PROVINCE_PROJECTS, WORKS, person
from app.phones import format_local

TEXTS = load_data(__package__, "texts.toml")
LAND_TYPES = TEXTS["land_types"]
PERIODS = TEXTS["periods"]
OCCASIONS = TEXTS["occasions"]
SEASONS = TEXTS["seasons"]
BASES = TEXTS["bases"]
# Per category: documents (kind, symbol), base groups, details, body items, table, and subjects (a title and
# its summaries, with details, items or a table of their own if the category's do not fit).
CATEGORIES = TEXTS["categories"]
WITHDRAWAL_REASONS = TEXTS["withdrawal_reasons"]
ADDENDA = TEXTS["addenda"]

# Categories with a subject put to the people's comments (a draft): only those get a comment period.
OPINION_CATEGORIES = tuple(
    category for category, spec in CATEGORIES.items() if any(subject.get("opinions") for subject in spec["subjects"])
)


def vn_number(value):
    """Format an integer the Vietnamese way: 1.234.567."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value, digits=1):
    """Format a decimal the Vietnamese way: 12.345,6."""
    whole, _, fraction = f"{value:,.{digits}f}".partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def context_for(rng, commune, category, dates, officer):
    """Return the placeholder values for one notice."""
    village, other_village, third_village = rng.sample(commune.villages, 3)
    area, amount = rng.uniform(250, 95_000), rng.randint(120, 98_000) * 1_000_000
    year = dates["issued_on"].year
    soon = dates["issued_on"] + timedelta(days=rng.randint(0, 75))
    values = {
        "commune": commune.short_name,
        "commune_label": commune.label,
        "committee": commune.people_committee,
        "committee_full": commune.people_committee_full,
        "village": village,
        "other_village": other_village,
        "third_village": third_village,
        "kind": commune.kind_label,
        "village_head": commune.village_head,
        "field": rng.choice(FIELDS),
        "year": year,
        "next_year": year + 1,
        "previous_year": year - 1,
        "budget_year": year + 1 if dates["issued_on"].month == 12 else year,
        "month": soon.month,
        "month_year": soon.year,
        "period": rng.choice(PERIODS),
        "occasion": rng.choice(OCCASIONS),
        "season": rng.choice(SEASONS),
        "round": rng.randint(1, 5),
        "households": rng.randint(3, 140),
        "poor": rng.randint(2, 40),
        "near_poor": rng.randint(3, 55),
        "area": vn_decimal(area) + " m²",
        "area_2": vn_decimal(area * rng.uniform(0.2, 0.9)) + " m²",  # a part of the area
        "area_ha": vn_decimal(rng.uniform(2, 180), 2),
        "land_type": rng.choice(LAND_TYPES),
        "amount": vn_number(amount) + " đồng",
        "amount_2": vn_number(amount * rng.randint(30, 95) // 100_000_000 * 1_000_000) + " đồng",  # spent of it
        "big_amount": vn_decimal(rng.uniform(18, 160), 1) + " tỷ đồng",
        "big_amount_2": vn_decimal(rng.uniform(16, 150), 1) + " tỷ đồng",
        "price": vn_number(rng.randint(6, 120) * 5_000),
        "contribution": vn_number(rng.randint(1, 40) * 50_000),
        "percent": rng.randint(12, 55),
        "growth": vn_decimal(rng.uniform(6, 13), 1),
        "income": rng.randint(55, 98),
        "poverty": vn_decimal(rng.uniform(0.5, 4.5), 2),
        "projects": rng.randint(6, 48),
        "months": rng.randint(3, 18),
        "violations": rng.randint(2, 14),
        "chapters": rng.randint(3, 6),
        "articles": rng.randint(18, 42),
        "openings": rng.randint(1, 6),
        "weekday_date": rng.choice(("10", "15", "20", "25")),
        "convention": "quy ước" if commune.is_ward else "hương ước",
        "start": dates["posting_start"].strftime("%d/%m/%Y"),
        "end": dates["posting_end"].strftime("%d/%m/%Y"),
        "issued": dates["issued_on"].strftime("%d/%m/%Y"),
        "officer_name": officer.name,
        "officer_position": officer.position,
        "officer_phone": _local_phone(officer.phone),
    }
    values["project"] = _project(rng, values)
    values["work"] = rng.choice(WORKS).format(**values)
    return values


@lru_cache(maxsize=1024)
def _local_phone(e164):
    return format_local(e164)


def _project(rng, values):
    if rng.random() < 0.45:
        return rng.choice(PROVINCE_PROJECTS)
    return rng.choice(LOCAL_PROJECTS).format(**values)


def legal_reference(rng, category, issued_on):
    """Return a document reference such as "Quyết định số 1234/QĐ-UBND"."""
    document, symbol = rng.choice(CATEGORIES[category]["documents"])
    number = rng.randint(1, 12) * issued_on.timetuple().tm_yday // 4 + rng.randint(1, 60)
    reference = f"{document} số {number}/{symbol}"
    if symbol.endswith("-UBND") and rng.random() < 0.15:
        reference += " của UBND tỉnh Bắc Ninh"
    return reference


def _sentence_case(text):
    return text[:1].upper() + text[1:]


def write_notice(rng, commune, category, dates, officer):
    """Return title, summary, body_html, legal_reference, place and comment deadline of a demo notice."""
    spec = CATEGORIES[category]
    values = context_for(rng, commune, category, dates, officer)
    reference = legal_reference(rng, category, dates["issued_on"])
    # The title and its summary come from one subject, so they speak of the same thing and place.
    subject = rng.choice(spec["subjects"])
    if not subject.get("opinions"):
        dates = {**dates, "opinion_end": None}  # only a draft is put to the people's comments
    title = _sentence_case(subject["title"].format(**values))
    summary = _summary(rng, subject, subject.get("details", spec["details"]), values, dates)
    place = _place(rng, commune, values)
    body = _body(rng, {**spec, **subject}, values, reference, place, dates)
    return {
        "title": title[:300],
        "summary": summary,
        "body_html": body,
        "legal_reference": reference,
        "place": place,
        "other_village": values["other_village"],
        "opinion_end": dates["opinion_end"],
    }


def _summary(rng, subject, details, values, dates):
    opener = _sentence_case(rng.choice(subject["summaries"]).format(**values))
    detail = rng.choice(details).format(**values)
    if dates.get("opinion_end"):
        closing = f"Hạn góp ý: đến hết ngày {dates['opinion_end']:%d/%m/%Y}."
    else:
        closing = f"Liên hệ {values['officer_name']}, điện thoại {values['officer_phone']}."
    for parts in ((opener, detail, closing), (opener, closing), (opener,)):
        summary = " ".join(parts)
        if len(summary) <= 500:
            return summary
    return opener[:500]


def _place(rng, commune, values):
    office = f"Trụ sở {values['committee']}"
    choice = rng.random()
    if choice < 0.45:
        return f"{office} và nhà văn hóa {values['village']}"
    if choice < 0.75:
        return f"Nhà văn hóa {values['village']}"
    if choice < 0.9:
        return office
    return f"{office}, nhà văn hóa {values['village']} và {values['other_village']}"


def _body(rng, spec, values, reference, place, dates):
    bases = [base for group in spec["bases"] for base in BASES[group]]
    chosen_bases = rng.sample(bases, min(len(bases), rng.randint(1, 2)))
    parts = [f"<p>Căn cứ {base};</p>" for base in chosen_bases]
    parts.append(f"<p>Căn cứ {reference} ngày {values['issued']};</p>")
    parts.append(f"<p>{values['committee_full']} thông báo:</p>")
    items = rng.sample(spec["items"], min(len(spec["items"]), rng.randint(2, 4)))
    parts.append("<ol>" + "".join(f"<li>{item.format(**values)}</li>" for item in items) + "</ol>")
    table = spec.get("table")
    if table:
        parts.append(TABLES[table](rng, values))
    parts.append(f"<p>Thời gian niêm yết: từ ngày {values['start']} đến hết ngày {values['end']} tại {place}.</p>")
    if dates.get("opinion_end"):
        parts.append(
            f"<p>Nhân dân góp ý bằng văn bản hoặc trực tiếp tại {values['committee']} "
            f"trước ngày {dates['opinion_end']:%d/%m/%Y}.</p>"
        )
    parts.append(
        f"<p>Mọi thắc mắc, kiến nghị xin liên hệ {values['officer_position']} {values['officer_name']}, "
        f"điện thoại {values['officer_phone']}, trong giờ hành chính.</p>"
    )
    return "\n".join(parts)


def _household_name(rng):
    name, honorific = person(rng)
    return f"{honorific.capitalize()} {name}"


def _table(caption, header, rows):
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _compensation_table(rng, values):
    rows = [
        (
            index,
            _household_name(rng),
            values["village"],
            vn_decimal(rng.uniform(40, 1800)),
            vn_number(rng.randint(20, 900) * 1_000_000),
        )
        for index in range(1, rng.randint(3, 6) + 1)
    ]
    return _table(
        "Danh sách hộ được bồi thường, hỗ trợ (trích)",
        ("STT", "Họ tên chủ hộ", "Địa chỉ", "Diện tích (m²)", "Số tiền (đồng)"),
        rows,
    )


def _budget_table(rng, values):
    items = (
        f"Thu ngân sách {values['kind']} hưởng theo phân cấp",
        "Thu bổ sung cân đối từ ngân sách cấp tỉnh",
        "Thu bổ sung có mục tiêu",
        "Chi đầu tư phát triển",
        "Chi thường xuyên",
        "Dự phòng ngân sách",
    )
    rows = [(index, item, vn_number(rng.randint(300, 60_000) * 1_000_000)) for index, item in enumerate(items, 1)]
    return _table("Biểu công khai (đơn vị: đồng)", ("STT", "Nội dung", "Số tiền"), rows)


def _public_land_table(rng, values):
    rows = [
        (index, _household_name(rng), _sentence_case(values["field"]), vn_decimal(rng.uniform(200, 5000)), "5 năm")
        for index in range(1, rng.randint(3, 5) + 1)
    ]
    return _table("Danh sách hộ thuê đất công ích", ("STT", "Người thuê", "Vị trí", "Diện tích (m²)", "Thời hạn"), rows)


def _households_table(rng, values):
    kinds = ("Hộ nghèo", "Hộ cận nghèo", "Bảo trợ xã hội")
    rows = [
        (index, _household_name(rng), values["village"], rng.choice(kinds)) for index in range(1, rng.randint(4, 8) + 1)
    ]
    return _table("Danh sách kèm theo", ("STT", "Họ tên chủ hộ", "Thôn, tổ dân phố", "Diện"), rows)


TABLES = {
    "compensation": _compensation_table,
    "budget": _budget_table,
    "public_land": _public_land_table,
    "households": _households_table,
}
