"""Opening, changing and closing a consultation; keeping one for every notice with an opinion-period end.

One source of truth for the end of the period: the notice's `opinion_end`. Opening or extending a
consultation writes that column through the notices services (on a published notice that is a correction,
a new public version with its reason, never a silent edit), and a notice published or corrected with an
`opinion_end` and no consultation gets a default one (hooks.py), as the migration did for existing notices.
Services flush and write the audit entry; the request commits.
"""

from flask_babel import gettext as _
from sqlalchemy import exists, func, insert, select

from app.clock import local_today, to_local, utcnow
from app.consultations import rules
from app.consultations.choices import AGREE_DISAGREE, CHOICE_SETS, build_choices, preset_choices
from app.consultations.models import Consultation, Opinion
from app.errors import FieldError
from app.extensions import db
from app.ledger.chain import record
from app.notices import services as notice_services
from app.notices.models import Notice
from app.notices.services import NoticeChangeRefused
from app.redaction import folded_words

DEFAULT_QUESTION = "Ý kiến của ông/bà về nội dung thông báo này?"
MAX_VILLAGES = 60
MAX_VILLAGE_LENGTH = 120


class ConsultationError(FieldError):
    """The change cannot be made; `message` says why in Vietnamese, `field` names the form field if any."""


def consultation_of(notice_id):
    """The consultation of a notice, or None."""
    return db.session.scalar(select(Consultation).where(Consultation.notice_id == notice_id))


def has_opinions(consultation):
    return bool(db.session.scalar(select(exists().where(Opinion.consultation_id == consultation.id))))


def match_village(consultation, text):
    """The consultation's spelling of the village typed (case and diacritics ignored), or None."""
    wanted = folded_words(text or "")
    for village in consultation.villages:
        if folded_words(village) == wanted:
            return village
    return None


def _check_period(notice, starts_on, ends_on, opened_before):
    today = local_today()
    if ends_on < starts_on:
        raise ConsultationError(_("Ngày kết thúc lấy ý kiến phải sau hoặc trùng ngày bắt đầu."), "ends_on")
    if starts_on < notice.posting_start and not opened_before:
        raise ConsultationError(_("Chỉ lấy ý kiến từ ngày bắt đầu niêm yết thông báo trở đi."), "starts_on")
    if notice.status == "published" and ends_on < today:
        raise ConsultationError(_("Ngày kết thúc lấy ý kiến không thể ở quá khứ."), "ends_on")
    _check_length(notice.category, starts_on, ends_on, ConsultationError, "ends_on")


def _check_length(category, starts_on, ends_on, refusal, field):
    """The period is at least the category's minimum (rules.py), or `refusal(message, field)` is raised."""
    minimum = rules.minimum_opinion_days(category)
    if rules.period_days(starts_on, ends_on) < minimum:
        raise refusal(
            _(
                "Thời gian lấy ý kiến phải ít nhất %(days)s ngày (kể cả ngày đầu và ngày cuối) đối với lĩnh vực này; "
                "xem trang quy định lấy ý kiến.",
                days=minimum,
            ),
            field,
        )


def guard_opinion_end(notice, changes):
    """The notices layer's change rule (hooks.py): publishing or correcting a notice keeps the rules its
    consultation's own form keeps. The period is at least the legal minimum; once the notice is published
    its end is never removed, never moved into the past, only extended once opinions have come in, and
    never moved once the consultation has ended (its result is counted from that period)."""
    status = changes.get("status", notice.status)
    if status != "published" or not {"status", "opinion_end", "category"} & changes.keys():
        return
    ends_on = changes.get("opinion_end", notice.opinion_end)
    category = changes.get("category", notice.category)
    consultation = consultation_of(notice.id) if notice.id is not None else None
    if consultation is None:
        if ends_on is not None:  # the default consultation will run from the start of posting
            starts_on = min(changes.get("posting_start", notice.posting_start), ends_on)
            _check_length(category, starts_on, ends_on, NoticeChangeRefused, "opinion_end")
        return
    correcting = notice.status == "published"
    # (a consultation being opened on a published notice has no end yet: not "closed")
    if correcting and notice.opinion_end is not None and consultation.status() == "closed":
        if "opinion_end" in changes:
            raise NoticeChangeRefused(_("Đợt lấy ý kiến đã kết thúc; không đổi được hạn góp ý nữa."), "opinion_end")
        return
    if ends_on is None:
        raise NoticeChangeRefused(
            _(
                "Thông báo đang lấy ý kiến Nhân dân nên phải có hạn góp ý; "
                "muốn dừng sớm hãy dùng “Kết thúc lấy ý kiến”."
            ),
            "opinion_end",
        )
    if correcting and "opinion_end" in changes:
        if ends_on < local_today():
            raise NoticeChangeRefused(_("Ngày kết thúc lấy ý kiến không thể ở quá khứ."), "opinion_end")
        if notice.opinion_end is not None and ends_on < notice.opinion_end and has_opinions(consultation):
            raise NoticeChangeRefused(
                _("Đã có người góp ý: chỉ được gia hạn; muốn kết thúc sớm hãy dùng “Kết thúc lấy ý kiến”."),
                "opinion_end",
            )
    _check_length(category, consultation.starts_on, ends_on, NoticeChangeRefused, "opinion_end")


def _clean_villages(villages):
    cleaned, seen = [], set()
    for village in villages:
        name = " ".join(village.split())
        if not name:
            continue
        if len(name) > MAX_VILLAGE_LENGTH:
            raise ConsultationError(_("Tên thôn, tổ dân phố tối đa 120 ký tự."), "villages")
        if folded_words(name) not in seen:
            seen.add(folded_words(name))
            cleaned.append(name)
    if len(cleaned) > MAX_VILLAGES:
        raise ConsultationError(_("Tối đa %(count)s thôn, tổ dân phố.", count=MAX_VILLAGES), "villages")
    return cleaned


def _set_end(notice, ends_on, actor):
    """Write the end of the period into the notice: in place for a draft, as a correction once published."""
    if notice.opinion_end == ends_on:
        return
    if notice.status == "draft":
        notice_services.update_draft(notice, {"opinion_end": ends_on}, actor)
        return
    reason = _("Lấy ý kiến Nhân dân: hạn góp ý đến hết ngày %(date)s.", date=ends_on.strftime("%d/%m/%Y"))
    try:
        notice_services.correct_notice(notice, {"opinion_end": ends_on}, reason, actor)
    except NoticeChangeRefused as error:  # checked above already; the same rules, said on this form
        raise ConsultationError(error.message, "ends_on") from None


def save_consultation(notice, fields, actor):
    """Open a consultation on `notice`, or change it; return (consultation, created).

    `fields`: question, choice_set, options (list), starts_on, ends_on, villages (list),
    is_limited_to_villages, households. Once opinions have come in only the end (later), the households
    and the question's wording stay open to change: what people answered must keep its meaning.
    """
    if notice.status not in ("draft", "published"):
        raise ConsultationError(_("Thông báo đã thu hồi nên không lấy ý kiến được nữa."))
    consultation = consultation_of(notice.id)
    created = consultation is None
    answered = not created and has_opinions(consultation)
    if not created and consultation.status() == "closed" and notice.status == "published":
        raise ConsultationError(_("Đợt lấy ý kiến đã kết thúc; không sửa được nữa."))
    choice_set = fields.get("choice_set") or AGREE_DISAGREE
    if choice_set not in CHOICE_SETS:
        raise ConsultationError(_("Cách trả lời không hợp lệ."), "choice_set")
    choices = build_choices(choice_set, fields.get("options") or ())
    if len(choices) < 2:
        raise ConsultationError(_("Cần ít nhất hai phương án để người dân chọn."), "options")
    villages = _clean_villages(fields.get("villages") or ())
    is_limited = bool(fields.get("is_limited_to_villages"))
    if is_limited and not villages:
        raise ConsultationError(_("Hãy ghi tên các thôn, tổ dân phố được lấy ý kiến (mỗi dòng một tên)."), "villages")
    starts_on, ends_on = fields["starts_on"], fields["ends_on"]
    if answered:
        if choices != consultation.choices or villages != consultation.villages:
            raise ConsultationError(_("Đã có người góp ý nên không đổi được phương án trả lời và danh sách thôn."))
        if is_limited != consultation.is_limited_to_villages or starts_on != consultation.starts_on:
            raise ConsultationError(_("Đã có người góp ý nên không đổi được ngày bắt đầu và phạm vi lấy ý kiến."))
        if consultation.ends_on and ends_on < consultation.ends_on:
            raise ConsultationError(
                _("Đã có người góp ý: chỉ được gia hạn; muốn kết thúc sớm hãy dùng “Kết thúc lấy ý kiến”."), "ends_on"
            )
    _check_period(notice, starts_on, ends_on, opened_before=not created)
    if created:
        consultation = Consultation(notice=notice, created_by=actor)
        db.session.add(consultation)
    consultation.question = fields["question"].strip()
    consultation.choice_set, consultation.choices = choice_set, choices
    consultation.starts_on, consultation.villages = starts_on, villages
    consultation.is_limited_to_villages = is_limited
    consultation.households = fields.get("households")
    db.session.flush()
    _set_end(notice, ends_on, actor)
    record(
        "consultation.opened" if created else "consultation.changed",
        consultation,
        consultation.question,
        {
            "notice": notice.id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "choices": [choice["key"] for choice in choices],
            "villages": villages,
            "is_limited_to_villages": is_limited,
        },
        actor,
    )
    return consultation, created


def close_early(consultation, reason, actor):
    """Stop taking opinions now, before the end day, with a public reason (not before the legal minimum)."""
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError(_("Vui lòng nêu lý do kết thúc sớm; lý do được công khai."), "reason")
    if consultation.status() != "open":
        raise ConsultationError(_("Chỉ kết thúc được đợt lấy ý kiến đang mở."))
    minimum = rules.minimum_opinion_days(consultation.notice.category)
    if rules.period_days(consultation.starts_on, local_today()) < minimum:
        raise ConsultationError(
            _("Chưa đủ thời gian lấy ý kiến tối thiểu %(days)s ngày nên chưa kết thúc sớm được.", days=minimum)
        )
    consultation.closed_at = utcnow()
    consultation.closing_reason = reason
    db.session.flush()
    record(
        "consultation.closed",
        consultation,
        reason,
        {"closed_on": to_local(consultation.closed_at).date().isoformat()},
        actor,
    )
    return consultation


def ensure_consultation(notice, actor=None):
    """Give a notice that has an opinion-period end a default consultation (agree / disagree / other)."""
    if notice.opinion_end is None or notice.id is None or consultation_of(notice.id) is not None:
        return None
    consultation = Consultation(
        notice=notice,
        question=DEFAULT_QUESTION,
        choice_set=AGREE_DISAGREE,
        choices=preset_choices(),
        starts_on=min(notice.posting_start, notice.opinion_end),
        villages=[],
        is_limited_to_villages=False,
        created_by=actor,
    )
    db.session.add(consultation)
    db.session.flush()
    record("consultation.opened", consultation, consultation.question, {"notice": notice.id, "default": True}, actor)
    return consultation


def backfill_default_consultations():
    """Default consultations for every notice with an opinion-period end and none yet (bulk: demo, imports).

    Written without audit entries, as the migration and the demo's bulk rows are. Returns how many.
    """
    without = (
        select(Notice.id, Notice.posting_start, Notice.opinion_end)
        .where(Notice.opinion_end.is_not(None))
        .where(~exists().where(Consultation.notice_id == Notice.id))
    )
    now = utcnow()
    rows = [
        {
            "notice_id": notice_id,
            "question": DEFAULT_QUESTION,
            "choice_set": AGREE_DISAGREE,
            "choices": preset_choices(),
            "starts_on": min(start, end),
            "villages": [],
            "is_limited_to_villages": False,
            "closing_reason": "",
            "created_at": now,
            "updated_at": now,
        }
        for notice_id, start, end in db.session.execute(without)
    ]
    if rows:
        db.session.execute(insert(Consultation), rows)
    return len(rows)


def opinion_count(consultation):
    return db.session.scalar(select(func.count()).where(Opinion.consultation_id == consultation.id)) or 0
