"""JSON shapes of consultations and community decisions (contracts: field names are used by other systems).

Never a name or a phone: opinions appear only as counts and as the comments an official approved.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app.api.openapi import DATE, MOMENT, URL, array, component, integer, nullable, obj, string
from app.consultations.choices import village_label
from app.consultations.decisions import adopted_label, notice_decisions
from app.consultations.models import CommunityDecision, Consultation
from app.consultations.moderation import approved_comments
from app.consultations.results import result_deadline
from app.consultations.tallies import live_tallies
from app.extensions import db
from app.urls import public_url

CHOICE_COUNTS = array(obj({"key": string(), "label": string(), "count": integer(minimum=0)}))

RESULT_SCHEMA = component(
    "ConsultationResult",
    obj(
        {
            "version": integer(minimum=1, description=_l("Lần công bố (đính chính thì tăng).")),
            "published_at": MOMENT,
            "reason": nullable(string()),
            "summary": string(),
            "answers": array(obj({"opinions": string(), "answer": string()}), _l("Tiếp thu, giải trình.")),
            "tallies": {"type": "object", "description": _l("Số liệu đã chốt khi công bố.")},
            "tallies_sha256": string(pattern="^[0-9a-f]{64}$"),
            "csv_url": URL,
            "xlsx_url": URL,
        }
    ),
)
CONSULTATION_SCHEMA = component(
    "Consultation",
    obj(
        {
            "id": integer(minimum=1),
            "notice": integer(minimum=1, description=_l("Số của thông báo.")),
            "question": string(),
            "status": string(enum=["upcoming", "open", "closed"]),
            "opens_at": MOMENT,
            "closes_at": nullable(MOMENT),
            "starts_on": DATE,
            "ends_on": nullable(DATE),
            "closing_reason": nullable(string()),
            "villages": array(string(), _l("Thôn, tổ dân phố được lấy ý kiến.")),
            "is_limited_to_villages": {"type": "boolean"},
            "choices": CHOICE_COUNTS,
            "total": integer(minimum=0),
            "by_village": array(
                obj(
                    {
                        "village": nullable(string()),
                        "label": string(),
                        "total": integer(minimum=0),
                        "counts": {"type": "object", "additionalProperties": integer(minimum=0)},
                    }
                )
            ),
            "comments": array(
                obj({"choice": string(), "text": string(), "approved_at": nullable(MOMENT)}),
                _l("Góp ý đã được duyệt công khai (không có tên, số điện thoại)."),
            ),
            "result_due": nullable(DATE),
            "result": nullable(RESULT_SCHEMA),
            "url": URL,
        }
    ),
)
DECISION_SCHEMA = component(
    "CommunityDecision",
    obj(
        {
            "id": integer(minimum=1),
            "village": string(),
            "matter": string(),
            "decided_on": DATE,
            "form": string(),
            "households_total": integer(minimum=0),
            "households_participating": integer(minimum=0),
            "options": array({"type": "object"}),
            "threshold_percent": integer(),
            "is_adopted": {"type": "boolean"},
            "adopted_option": nullable(string()),
            "adopted_label": nullable(string()),
            "minutes_sha256": string(pattern="^[0-9a-f]{64}$"),
            "minutes_url": URL,
        }
    ),
)


def _iso(value):
    return value.isoformat() if value is not None else None


def result_item(consultation, result):
    if result is None:
        return None
    return {
        "version": result.number,
        "published_at": _iso(result.published_at),
        "reason": result.reason or None,
        "summary": result.summary,
        "answers": [{"opinions": group["opinions"], "answer": group["answer"]} for group in result.answers],
        "tallies": result.tallies,
        "tallies_sha256": result.tallies_sha256,
        "csv_url": public_url("consultations.download_result", notice_id=consultation.notice_id, extension="csv"),
        "xlsx_url": public_url("consultations.download_result", notice_id=consultation.notice_id, extension="xlsx"),
    }


def consultation_item(consultation):
    """A consultation with its live tallies, approved comments and result (null until published)."""
    tallies = live_tallies(consultation)
    return {
        "id": consultation.id,
        "notice": consultation.notice_id,
        "question": consultation.question,
        "status": consultation.status(),
        "opens_at": _iso(consultation.opens_at),
        "closes_at": _iso(consultation.closes_at),
        "starts_on": _iso(consultation.starts_on),
        "ends_on": _iso(consultation.ends_on),
        "closing_reason": consultation.closing_reason or None,
        "villages": consultation.villages,
        "is_limited_to_villages": consultation.is_limited_to_villages,
        "choices": [{"key": key, "label": str(label), "count": tallies.count(key)} for key, label in tallies.choices],
        "total": tallies.total,
        "by_village": [
            {
                "village": village or None,
                "label": str(village_label(village)),
                "total": total,
                "counts": {key: counts.get(key, 0) for key in consultation.choice_keys},
            }
            for village, total, counts in tallies.village_rows()
        ],
        "comments": [
            {"choice": choice, "text": text, "approved_at": _iso(moment)}
            for choice, text, moment in approved_comments(consultation)
        ],
        "result_due": _iso(result_deadline(consultation)) if consultation.status() == "closed" else None,
        "result": result_item(consultation, consultation.result),
        "url": public_url("notices.show_notice", notice_id=consultation.notice_id) + "#lay-y-kien",
    }


def decision_item(decision):
    return {
        "id": decision.id,
        "village": decision.village,
        "matter": decision.matter,
        "decided_on": _iso(decision.decided_on),
        "form": decision.form,
        "households_total": decision.households_total,
        "households_participating": decision.households_participating,
        "options": decision.options,
        "threshold_percent": decision.threshold_percent,
        "is_adopted": decision.is_adopted,
        "adopted_option": decision.adopted_option,
        "adopted_label": adopted_label(decision),
        "minutes_sha256": decision.minutes_sha256,
        "minutes_url": public_url(
            "consultations.download_minutes", notice_id=decision.notice_id, decision_id=decision.id
        ),
    }


def notice_consultation_fields(notice):
    """What GET /api/v1/notices/<id> adds: its consultation (or null) and its community decisions.

    One query tells whether there is either; a notice with neither costs nothing more.
    """
    probe = select(
        select(Consultation.id).where(Consultation.notice_id == notice.id).scalar_subquery(),
        exists().where(CommunityDecision.notice_id == notice.id),
    )
    consultation_id, has_decisions = db.session.execute(probe).one()
    consultation = db.session.get(Consultation, consultation_id) if consultation_id else None
    shown = consultation is not None and consultation.status() != "draft"
    return {
        "consultation": consultation_item(consultation) if shown else None,
        "community_decisions": [decision_item(decision) for decision in notice_decisions(notice.id)]
        if has_decisions
        else [],
    }
