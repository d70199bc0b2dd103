"""Load the administrative unit tree from the official GSO list (package vietnam-provinces)."""

import json
from datetime import date

import vietnam_provinces
from sqlalchemy import select

from app.accounts.models import AdministrativeUnit
from app.extensions import db

REORGANISATION_DAY = date(2025, 7, 1)  # two-level local government (Resolution 202/2025/QH15)
DIVISION_KINDS = {
    "tỉnh": "province",
    "thành phố trung ương": "province",
    "xã": "commune",
    "phường": "ward",
    "đặc khu": "special_zone",
}

# Provinces merged into another on 1 July 2025: old GSO code -> (old name, successor's new code).
FORMER_PROVINCES = {
    "27": ("Tỉnh Bắc Ninh (trước 01/07/2025)", "24"),
}
DEFAULT_PROVINCE = "24"  # Bắc Ninh, which since 1 July 2025 includes the former Bắc Giang


def _province_record(code):
    divisions = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    for province in divisions:
        if int(province["code"]) == int(code):
            return province
    raise LookupError(f"no province with GSO code {code}")


def _upsert(code, **values):
    unit = db.session.scalar(select(AdministrativeUnit).where(AdministrativeUnit.code == code))
    if unit is None:
        unit = AdministrativeUnit(code=code, **values)
        db.session.add(unit)
    else:
        for key, value in values.items():
            setattr(unit, key, value)
    return unit


def _province_name(record):
    prefix = "Thành phố" if record["division_type"] == "thành phố trung ương" else "Tỉnh"
    return f"{prefix} {record['name']}"


def load_province(code=DEFAULT_PROVINCE):
    """Create or update a province and all its communes, wards and special zones; return the count."""
    record = _province_record(code)
    province_code = f"{int(record['code']):02d}"
    province = _upsert(
        province_code,
        name=_province_name(record),
        kind="province",
        parent_id=None,
        path=f"/{province_code}/",
        valid_from=REORGANISATION_DAY,
        valid_to=None,
    )
    db.session.flush()
    for ward in record["wards"]:
        ward_code = f"{int(ward['code']):05d}"
        _upsert(
            ward_code,
            name=ward["name"],
            kind=DIVISION_KINDS.get(ward["division_type"], "commune"),
            parent_id=province.id,
            path=f"{province.path}{ward_code}/",
            valid_from=REORGANISATION_DAY,
            valid_to=None,
        )
    for old_code, (old_name, successor_code) in FORMER_PROVINCES.items():
        if successor_code == province_code:
            _upsert(
                old_code,
                name=old_name,
                kind="province",
                parent_id=None,
                path=f"/{old_code}/",
                valid_from=None,
                valid_to=date(2025, 6, 30),
                successor_id=province.id,
            )
    db.session.flush()
    return 1 + len(record["wards"])
