"""Consultations on notices, the opinions given, the published results, community decisions and their rules.

The end of a consultation's opinion period is its notice's `opinion_end` (one source of truth: the notice
form, the consultation form and the API all read and write that column); a consultation adds its start,
its question, its choices and who may take part. Phones are kept as a keyed hash (one opinion per phone)
and, with names, encrypted: neither is ever shown outside the unit's staff pages.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.clock import LOCAL_TZ, local_today, to_local, utcnow
from app.extensions import db
from app.notices.models import Notice
from app.types import UTCDateTime

UNKNOWN_VILLAGE = ""  # an opinion without a village: "không rõ" in the tallies
# Comment moderation: none (no comment), pending, approved (public_comment shown), hidden (with a reason).
COMMENT_STATUSES = ("none", "pending", "approved", "hidden")
DECISION_FORMS = ("meeting", "ballot", "online")


class Consultation(db.Model):
    """A question put to citizens on a notice ("lấy ý kiến Nhân dân"); at most one per notice."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), unique=True)
    question: Mapped[str] = mapped_column(String(500))
    choice_set: Mapped[str] = mapped_column(String(20), default="agree_disagree")  # or "options"
    choices: Mapped[list] = mapped_column(JSON, default=list)  # [{"key", "label"}]
    starts_on: Mapped[date]
    villages: Mapped[list] = mapped_column(JSON, default=list)  # names of thôn / tổ dân phố
    is_limited_to_villages: Mapped[bool] = mapped_column(default=False)
    households: Mapped[int | None]  # households in the area consulted, when the commune knows it
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # closed before its end day
    closing_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notice: Mapped[Notice] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User | None] = relationship()
    results: Mapped[list["ConsultationResult"]] = relationship(
        back_populates="consultation", order_by="ConsultationResult.number", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Consultation {self.id} notice={self.notice_id}>"

    @property
    def ends_on(self):
        """The last day of the opinion period: the notice's opinion_end (None if the notice lost it)."""
        return self.notice.opinion_end

    @property
    def closes_at(self):
        """The moment opinions stop: 24:00 local of the end day, or the early closing if sooner."""
        end = None
        if self.ends_on is not None:
            end = datetime.combine(self.ends_on + timedelta(days=1), time(0), LOCAL_TZ)
        if self.closed_at is not None and (end is None or self.closed_at < end):
            return self.closed_at
        return end

    @property
    def opens_at(self):
        return datetime.combine(self.starts_on, time(0), LOCAL_TZ)

    @property
    def last_day(self):
        """The last local day opinions could be given (the day the result's deadline counts from)."""
        closes = self.closes_at
        if closes is None:
            return None
        return (to_local(closes) - timedelta(microseconds=1)).date()

    def status(self, now=None):
        """draft (notice not published), upcoming, open or closed, at `now`."""
        if self.notice.status == "draft":
            return "draft"
        if self.notice.status != "published":
            return "closed"
        now = now or utcnow()
        closes = self.closes_at
        if closes is None or now >= closes:
            return "closed"
        today = to_local(now).date() if now else local_today()
        return "upcoming" if today < self.starts_on else "open"

    @property
    def is_open(self):
        return self.status() == "open"

    @property
    def choice_keys(self):
        return [choice["key"] for choice in self.choices]

    @property
    def result(self):
        """The newest published version of the result, or None."""
        return self.results[-1] if self.results else None


class Opinion(db.Model):
    """The current opinion of one confirmed phone on one consultation (replaced, never duplicated)."""

    __tablename__ = "opinions"
    __table_args__ = (
        UniqueConstraint("consultation_id", "phone_hash"),
        # Covers the tallies (by choice, village and comment status): counted from the index alone.
        Index("ix_opinions_consultation_choice_village", "consultation_id", "choice", "village", "comment_status"),
        Index("ix_opinions_consultation_comment_status", "consultation_id", "comment_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    phone_hash: Mapped[str] = mapped_column(String(64))  # keyed SHA-256 of the E.164 number
    phone_sealed: Mapped[str | None] = mapped_column(Text)  # encrypted E.164, for the unit's staff only
    name_sealed: Mapped[str | None] = mapped_column(Text)  # encrypted, never public
    village: Mapped[str] = mapped_column(String(120), default=UNKNOWN_VILLAGE)
    choice: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")  # as written; public only as public_comment
    comment_status: Mapped[str] = mapped_column(String(12), default="none")
    public_comment: Mapped[str] = mapped_column(Text, default="")
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revisions: Mapped[int] = mapped_column(default=1)  # how many times this phone gave its opinion
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship()
    moderated_by: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<Opinion {self.id} consultation={self.consultation_id} {self.choice}>"


class OpinionRevision(db.Model):
    """Every opinion as it was given, the replaced ones included (the history; never public)."""

    __tablename__ = "opinion_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    choice: Mapped[str] = mapped_column(String(40))
    village: Mapped[str] = mapped_column(String(120), default=UNKNOWN_VILLAGE)
    comment: Mapped[str] = mapped_column(Text, default="")
    name_sealed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VerificationCode(db.Model):
    """A one-time code sent by SMS to confirm a phone; only a keyed hash of the code is kept."""

    __tablename__ = "consultation_codes"
    __table_args__ = (
        Index("ix_consultation_codes_phone_created_at", "phone_hash", "created_at"),
        Index("ix_consultation_codes_address_created_at", "address_hash", "created_at"),
        Index("ix_consultation_codes_consultation_phone", "consultation_id", "phone_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    phone_hash: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str] = mapped_column(String(64))  # keyed hash of the client's IP address
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsultationResult(db.Model):
    """One published version of a consultation's result: frozen tallies (hashed), summary, answers."""

    __tablename__ = "consultation_results"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    number: Mapped[int]
    tallies: Mapped[dict] = mapped_column(JSON)
    tallies_sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    answers: Mapped[list] = mapped_column(JSON, default=list)  # [{"opinions": …, "answer": …}]
    reason: Mapped[str] = mapped_column(Text, default="")  # why a later version was published
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="results")
    published_by: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<ConsultationResult {self.consultation_id}#{self.number}>"


class CommunityDecision(db.Model):
    """What a village decided (meeting, ballot or online vote), recorded by an official with its minutes."""

    __tablename__ = "community_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    village: Mapped[str] = mapped_column(String(120))
    matter: Mapped[str] = mapped_column(String(500))
    decided_on: Mapped[date]
    form: Mapped[str] = mapped_column(String(12))  # meeting, ballot, online
    households_total: Mapped[int]
    households_participating: Mapped[int]
    options: Mapped[list] = mapped_column(JSON)  # [{"key", "label", "votes"}]
    threshold_percent: Mapped[int]  # the rule when it was recorded: adopted above this share of households
    adopted_option: Mapped[str | None] = mapped_column(String(40))
    is_adopted: Mapped[bool] = mapped_column(default=False)
    minutes_name: Mapped[str] = mapped_column(String(255))
    minutes_stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    minutes_media_type: Mapped[str] = mapped_column(String(120))
    minutes_size: Mapped[int]
    minutes_sha256: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<CommunityDecision {self.id} notice={self.notice_id} {self.village!r}>"


class ConsultationRule(db.Model):
    """An administrator's value of a consultation rule (the defaults and their sources are in rules.py)."""

    __tablename__ = "consultation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    amount: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
