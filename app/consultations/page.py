"""What the notice page shows of its consultation and community decisions (a notices page part).

During the period: the question, the choices, the live tally (by choice and by village), the approved
comments and the opinion form; after it, the same tally and the published result. Never a name or a phone.
"""

from sqlalchemy import exists, select

from app.consultations.choices import DECISION_FORM_LABELS, choice_label, labelled_choices, percent_text, village_label
from app.consultations.decisions import adopted_label, notice_decisions
from app.consultations.models import CommunityDecision, Consultation
from app.consultations.moderation import approved_comments
from app.consultations.public_forms import OpinionForm
from app.consultations.results import result_deadline
from app.consultations.tallies import live_tallies
from app.extensions import db

SHOWN_COMMENTS = 30


def _probe(notice):
    """(consultation id or None, whether the notice has community decisions): one query for both."""
    query = select(
        select(Consultation.id).where(Consultation.notice_id == notice.id).scalar_subquery(),
        exists().where(CommunityDecision.notice_id == notice.id),
    )
    return db.session.execute(query).one()


def consultation_context(notice, form=None):
    """The template context of the consultation block of `notice` ({} when it has none)."""
    consultation_id, has_decisions = _probe(notice)
    if consultation_id is None and not has_decisions:
        return {}
    consultation = db.session.get(Consultation, consultation_id) if consultation_id else None
    decisions = notice_decisions(notice.id) if has_decisions and notice.is_public else []
    context = {
        "consultation": consultation,
        "consultation_decisions": decisions,
        "decision_adopted_label": adopted_label,
        "decision_form_labels": DECISION_FORM_LABELS,
        "village_label": village_label,
        "choice_label": choice_label,
        "percent_text": percent_text,
    }
    if consultation is None:
        return context
    status = consultation.status()
    context.update(consultation_status=status, consultation_choices=labelled_choices(consultation))
    if status == "draft":
        return context
    tallies = live_tallies(consultation)
    # A result exists only once the period is over: an open page does not look for one.
    closed = status == "closed"
    context.update(
        consultation_tallies=tallies,
        consultation_comments=[
            (choice_label(consultation, choice), text, moment)
            for choice, text, moment in approved_comments(consultation, SHOWN_COMMENTS)
        ]
        if tallies.comments.get("approved")
        else [],
        consultation_hidden=tallies.comments.get("hidden", 0),
        consultation_result=consultation.result if closed else None,
        consultation_earlier_results=list(reversed(consultation.results[:-1])) if closed else [],
        consultation_result_due=result_deadline(consultation) if closed else None,
    )
    if status == "open":
        context["opinion_form"] = form or OpinionForm(consultation, formdata=None)
    return context
