"""seed-demo opens consultations on demo notices: one open, one closed with a published result, one decided
at a village meeting, with Vietnamese opinions; idempotent; no name or phone in clear in the database."""

from sqlalchemy import func, select

from app.consultations.models import CommunityDecision, Consultation, ConsultationResult, Opinion
from app.consultations.results import verify_results
from app.extensions import db
from app.notices.models import Notice


def test_seed_demo_opens_consultations_with_opinions_results_and_a_decision(runner, client):
    first = runner.invoke(args=["seed-demo", "--notices", "300", "--feedback", "0"])
    assert first.exit_code == 0, first.output
    assert "demo: open, closed, decided" in first.output
    with_opinions = db.session.scalars(
        select(Consultation).where(Consultation.id.in_(select(Opinion.consultation_id)))
    ).all()
    statuses = sorted(consultation.status() for consultation in with_opinions)
    assert statuses == ["closed", "open"]
    closed = next(consultation for consultation in with_opinions if consultation.status() == "closed")
    assert closed.result is not None and closed.result.answers and verify_results().is_intact
    decision = db.session.scalar(select(CommunityDecision))
    assert decision.is_adopted and decision.notice.unit.code == "07627"
    # Every demo notice with an opinion end has its consultation (as the migration gives existing ones).
    without = (
        select(func.count())
        .select_from(Notice)
        .where(Notice.opinion_end.is_not(None), ~Notice.id.in_(select(Consultation.notice_id)))
    )
    assert db.session.scalar(without) == 0
    # Vietnamese comments, moderated: some public (redacted), one hidden, others waiting.
    statuses = dict(
        db.session.execute(select(Opinion.comment_status, func.count()).group_by(Opinion.comment_status)).all()
    )
    assert statuses["approved"] >= 5 and statuses["hidden"] == 1 and statuses["pending"] >= 1
    page = client.get(f"/notices/{closed.notice_id}").get_data(as_text=True)
    assert "Kết quả lấy ý kiến" in page and "Tiếp thu, giải trình" in page
    assert all(
        opinion.name_sealed and "+84" not in opinion.phone_hash for opinion in db.session.scalars(select(Opinion))
    )

    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Opinion, ConsultationResult)]
    again = runner.invoke(args=["seed-demo", "--notices", "300", "--feedback", "0"])
    assert again.exit_code == 0 and "demo: already present" in again.output
    assert [
        db.session.scalar(select(func.count()).select_from(model)) for model in (Opinion, ConsultationResult)
    ] == counts
