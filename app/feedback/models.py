"""The citizens' queue: items, their events and photos, deadline rules and holiday overrides."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import AdministrativeUnit, User
from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime


class Feedback(db.Model):
    """A question, petition, information request, complaint or denunciation (a queue item)."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_unit_status", "unit_id", "status"),
        Index("ix_feedback_status_resolve_due", "status", "resolve_due"),
        Index("ix_feedback_received_at", "received_at"),
        # The audit figures: a unit's items received in a period, and the items it forwarded.
        Index("ix_feedback_unit_received_at", "unit_id", "received_at"),
        Index("ix_feedback_forwarded_from_received_at", "forwarded_from_id", "received_at"),
        Index("ix_feedback_channel_received_at", "channel", "received_at"),
        # The Atom feed of public answers, newest first.
        Index("ix_feedback_public_answered_at", "is_public", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Private: never on public pages, feeds or the public API.
    submitter_name: Mapped[str] = mapped_column(String(120), default="")
    submitter_phone: Mapped[str] = mapped_column(String(20), default="")
    submitter_email: Mapped[str] = mapped_column(String(254), default="")
    submitter_address: Mapped[str] = mapped_column(String(300), default="")
    submitter_id_number: Mapped[str] = mapped_column(String(12), default="", server_default="")  # CCCD
    # A denunciation's identity (the five fields above, left "") sealed on arrival to a unit's public key
    # (app.feedback.identities): base64 of an X25519 sealed box, and the fingerprint of the key it needs.
    sealed_identity: Mapped[str | None] = mapped_column(Text)
    sealed_key_fingerprint: Mapped[str | None] = mapped_column(String(64))
    has_consented: Mapped[bool] = mapped_column(default=False)
    # How it arrived: web, api, phone, walk_in, mail, open311 (see kinds.CHANNELS).
    channel: Mapped[str] = mapped_column(String(12), default="web", server_default="web")
    # Where the citizen asked to be told of progress: a channel (email, sms, zalo) and an address kept
    # apart from the identity, encrypted (outbox.crypto); erased when a denunciation's closing is sent.
    notify_channel: Mapped[str | None] = mapped_column(String(10))
    notify_address: Mapped[str | None] = mapped_column(Text)
    # The language the citizen used when they sent it: every message to them is written in it.
    notify_language: Mapped[str] = mapped_column(String(8), default="vi", server_default="vi")
    notify_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # unsubscribed, or erased
    # SHA-256 of the submission's idempotency key: a retried or double-clicked submission finds this item.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # HMAC-SHA256 (keyed by the idempotency key) of what the submission held: the same key with other content
    # is refused, not answered with this item (app.feedback.idempotency). None for the items kept before it.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(30), default="received")
    circumstance: Mapped[str | None] = mapped_column(String(30))  # complex, remote, complex_remote
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledge_due: Mapped[date | None]
    resolve_due: Mapped[date | None]
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_count: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("administrative_units.id"))
    public_question: Mapped[str] = mapped_column(Text, default="")
    answer_html: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[AdministrativeUnit] = relationship(foreign_keys=[unit_id])
    forwarded_from: Mapped[AdministrativeUnit | None] = relationship(foreign_keys=[forwarded_from_id])
    assigned_to: Mapped[User | None] = relationship()
    notice = relationship("Notice")
    events: Mapped[list["FeedbackEvent"]] = relationship(
        back_populates="feedback", order_by="FeedbackEvent.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list["FeedbackPhoto"]] = relationship(
        back_populates="feedback", order_by="FeedbackPhoto.id", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Feedback {self.tracking_code} {self.kind} {self.status}>"

    @property
    def has_identity(self):
        """Whether the sender gave a name (in clear, or sealed with the rest of a denunciation's identity)."""
        return bool(self.submitter_name or self.sealed_identity)


class FeedbackEvent(db.Model):
    """One thing that happened to a queue item, with its actor and the server's time."""

    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_public: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    feedback: Mapped[Feedback] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<FeedbackEvent {self.feedback_id} {self.action}>"


class FeedbackPhoto(db.Model):
    """A citizen's photo, re-encoded without EXIF/GPS, stored under a random name.

    A denunciation's photo is sealed like its identity (app.feedback.sealed_photos): the file holds only
    the sealed box, `size` and `sha256` are the box's, and `sealed_key_fingerprint` names the key that
    opens it (None: the file is the image itself). `media_type` is the image's inside.
    """

    __tablename__ = "feedback_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    sealed_key_fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="photos")

    def __repr__(self):
        return f"<FeedbackPhoto {self.id} {'sealed' if self.is_sealed else self.media_type}>"

    @property
    def is_sealed(self):
        return self.sealed_key_fingerprint is not None


class DeadlineRule(db.Model):
    """An administrator's copy of a statutory period (seeded from deadlines.DEFAULT_RULES)."""

    __tablename__ = "deadline_rules"
    __table_args__ = (UniqueConstraint("kind", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    step: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int]
    unit: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class HolidayOverride(db.Model):
    """A day the government declared working or non-working beyond the holidays package."""

    __tablename__ = "holiday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    is_working_day: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitKey(db.Model):
    """A unit's X25519 public key, which seals the identity of the denunciations it receives.

    The private half never reaches the server: it is printed once for the unit's safe. A unit may have
    several keys: the newest one not retired seals new items; the others stay to tell which key opens an
    older item.
    """

    __tablename__ = "unit_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32-byte key
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[AdministrativeUnit] = relationship()

    def __repr__(self):
        return f"<UnitKey {self.unit_id} {self.fingerprint[:16]}>"
