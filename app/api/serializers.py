"""JSON shapes of the API. Contracts: field names are used by other systems."""

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from app.api.openapi import DATE, MOMENT, URL, array, component, integer, nullable, obj, string
from app.extensions import db
from app.feedback.public_answers import public_answers
from app.notices.models import Notice
from app.phones import format_local
from app.urls import notice_short_url, public_url

_QUESTIONS_KEY = "congkhai.public_questions"


UNIT_SCHEMA = component(
    "Unit",
    obj(
        {
            "code": string(_l("Mã đơn vị hành chính (mã của Tổng cục Thống kê).")),
            "name": string(),
            "kind": string(_l("Cấp: province, district, commune, ward, special_zone…")),
            "parent": nullable(string(_l("Mã đơn vị cấp trên."))),
            "valid_from": nullable(DATE),
            "valid_to": nullable({**DATE, "description": _l("Ngày đơn vị thôi tồn tại (sau sắp xếp).")}),
            "successor": nullable(string(_l("Mã đơn vị kế thừa."))),
        }
    ),
)
UNIT_NAME = obj({"code": string(), "name": string()})


def unit_item(unit):
    """A unit as the API shows it."""
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else None,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "successor": unit.successor.code if unit.successor else None,
    }


def _iso(value):
    return value.isoformat() if value else None


def _public_questions(notice):
    """The notice's public answers; one query per request for every notice loaded (a page of the list)."""
    if not has_request_context():
        return public_answers([notice])[notice.id]
    loaded = request.environ.setdefault(_QUESTIONS_KEY, {})
    if notice.id not in loaded:
        pending = {notice.id: notice}
        for instance in db.session.identity_map.values():
            if isinstance(instance, Notice) and instance.id not in loaded:
                pending[instance.id] = instance
        loaded.update(public_answers(pending.values()))
    return loaded[notice.id]


NOTICE_SCHEMA = component(
    "Notice",
    obj(
        {
            "id": integer(minimum=1),
            "code": nullable(string(_l("Mã ngắn in trên mã QR."))),
            "title": string(),
            "summary": string(),
            "body_html": string(_l("Nội dung (HTML đã lọc an toàn).")),
            "category": string(_l("Lĩnh vực (mã định danh).")),
            "unit": UNIT_NAME,
            "status": string(enum=["published", "upcoming", "expired", "withdrawn"]),
            "legal_reference": string(),
            "issued_on": nullable(DATE),
            "posting_start": DATE,
            "posting_end": DATE,
            "opinion_end": nullable(DATE),
            "place": string(),
            "published_at": nullable(MOMENT),
            "withdrawn_at": nullable(MOMENT),
            "withdrawal_reason": nullable(string()),
            "contact": obj(
                {"name": string(), "position": string(), "phone": string(), "phone_display": string()},
                description=_l("Cán bộ phụ trách (số điện thoại công vụ)."),
            ),
            "url": URL,
            "short_url": nullable(URL),
            "qr_png_url": URL,
            "qr_svg_url": URL,
            "poster_url": URL,
            "attachments": array(
                obj(
                    {
                        "id": integer(),
                        "name": string(),
                        "media_type": string(),
                        "size": integer(minimum=0),
                        "sha256": string(pattern="^[0-9a-f]{64}$"),
                        "url": URL,
                    }
                )
            ),
            "versions": array(
                obj({"number": integer(minimum=1), "created_at": MOMENT, "reason": nullable(string())}),
                _l("Các lần đính chính."),
            ),
            "questions": array(
                obj({"question": string(), "answer_html": string(), "answered_at": MOMENT}),
                _l("Câu hỏi đã trả lời công khai (câu hỏi đã được biên tập)."),
            ),
        }
    ),
)


def notice_item(notice):
    """A public notice as the API shows it (never internal fields)."""
    return {
        "id": notice.id,
        "code": notice.short_code,
        "title": notice.title,
        "summary": notice.summary,
        "body_html": notice.body_html,
        "category": notice.category,
        "unit": {"code": notice.unit.code, "name": notice.unit.name},
        "status": notice.public_status,
        "legal_reference": notice.legal_reference,
        "issued_on": _iso(notice.issued_on),
        "posting_start": _iso(notice.posting_start),
        "posting_end": _iso(notice.posting_end),
        "opinion_end": _iso(notice.opinion_end),
        "place": notice.place,
        "published_at": _iso(notice.published_at),
        "withdrawn_at": _iso(notice.withdrawn_at),
        "withdrawal_reason": notice.withdrawal_reason or None,
        "contact": {
            "name": notice.contact_name,
            "position": notice.contact_position,
            "phone": notice.contact_phone,
            "phone_display": format_local(notice.contact_phone),
        },
        "url": public_url("notices.show_notice", notice_id=notice.id),
        "short_url": notice_short_url(notice),
        "qr_png_url": public_url("notices.qr_png", notice_id=notice.id),
        "qr_svg_url": public_url("notices.qr_svg", notice_id=notice.id),
        "poster_url": public_url("notices.poster", notice_id=notice.id),
        "attachments": [
            {
                "id": attachment.id,
                "name": attachment.original_name,
                "media_type": attachment.media_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "url": public_url("notices.download_attachment", notice_id=notice.id, attachment_id=attachment.id),
            }
            for attachment in notice.attachments
        ],
        "versions": [
            {"number": version.number, "created_at": _iso(version.created_at), "reason": version.reason or None}
            for version in notice.versions
        ],
        # Answered questions an official chose to publish: the edited question, never the citizen's text.
        "questions": [
            {"question": answer.question, "answer_html": answer.answer_html, "answered_at": _iso(answer.answered_at)}
            for answer in _public_questions(notice)
        ],
    }
