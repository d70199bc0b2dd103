"""JSON shapes of the API. Contracts: field names are used by other systems."""

from flask import has_request_context, request

from app.extensions import db
from app.feedback.public_answers import public_answers
from app.notices.models import Notice
from app.phones import format_local
from app.urls import notice_short_url, public_url

_QUESTIONS_KEY = "congkhai.public_questions"


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
