"""Helpers for the command-line tests: JSON Lines files and a seeded demo."""

import json
from datetime import timedelta

import pytest

from app.clock import local_today


def notice_line(**overrides):
    """One valid import line (a dict), as a commune would export it."""
    today = local_today()
    line = {
        "unit": "07627",
        "category": "land_recovery",
        "title": "Thông báo thu hồi đất để thực hiện dự án Đường vành đai 4 qua thôn Đồng Đình",
        "summary": "UBND xã Đại Sơn thông báo thu hồi 12.500 m² đất trồng lúa của 25 hộ tại thôn Đồng Đình.",
        "body_html": "<p>Danh sách các hộ và diện tích thu hồi kèm theo.</p>",
        "legal_reference": "Thông báo số 123/TB-UBND",
        "issued_on": (today - timedelta(days=1)).isoformat(),
        "posting_start": today.isoformat(),
        "posting_end": (today + timedelta(days=30)).isoformat(),
        "status": "published",
        "contact": {"name": "Nguyễn Văn An", "position": "Công chức Địa chính – Xây dựng", "phone": "0912 345 678"},
        "place": "Nhà văn hóa thôn Đồng Đình",
    }
    line.update(overrides)
    return line


def jsonl(*lines):
    """Join dicts (as JSON) and raw strings (as they are) into JSON Lines text."""
    return "".join((item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n" for item in lines)


@pytest.fixture
def write_jsonl(tmp_path):
    """Write JSON Lines to a file and return its path."""

    def write(*lines, name="notices.jsonl"):
        path = tmp_path / name
        path.write_text(jsonl(*lines), encoding="utf-8")
        return str(path)

    return write
