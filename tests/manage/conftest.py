"""Fixtures for the officials' area: two communes under one province, their staff, notices and files."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfWriter

from app.extensions import db
from app.notices import services
from app.notices.storage import store_upload
from tests.factories import make_notice, make_user, notice_fields


@pytest.fixture
def official(units):
    return make_user("official", units[1])


def pdf_bytes():
    """A real one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(data, name="danh-sach.pdf"):
    return (io.BytesIO(data), name)


def form_data(**overrides):
    """What an official types for the factory's notice: local phone, ISO dates as a date input sends them."""
    data = {}
    for name, value in notice_fields().items():
        data[name] = value.isoformat() if isinstance(value, date) else ("" if value is None else value)
    data["contact_phone"] = "0912 345 678"
    data.update(overrides)
    return data


def attach_pdf(notice, actor, reason=""):
    """Attach a stored PDF to a notice through the services, and commit."""
    stored = store_upload(pdf_bytes(), "ke-hoach.pdf")
    attachment = services.add_attachment(notice, stored, "ke-hoach.pdf", actor, reason)
    db.session.commit()
    return attachment


def csrf_token(html):
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


__all__ = ["attach_pdf", "csrf_token", "form_data", "make_notice", "make_user", "pdf_bytes", "upload"]
