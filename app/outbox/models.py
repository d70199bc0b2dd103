"""A notification waiting in, or gone from, the outbox."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime

CHANNELS = ("email", "sms", "zalo")
STATUSES = ("queued", "sent", "failed", "suppressed")


class Notification(db.Model):
    """One message to one recipient on one channel; `recipient` and `private` are Fernet tokens.

    `subject` names what it is about ("feedback:12", "notice:5", "user:3"), `unit_id` whose outbox lists
    it; `dedupe_key` makes writing the same notification twice (a digest, a retried task) a no-op.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notifications_unit_created_at", "unit_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    fallback_channel: Mapped[str | None] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    recipient: Mapped[str | None] = mapped_column(Text)  # encrypted; None once erased
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # nothing personal
    private: Mapped[str | None] = mapped_column(Text)  # encrypted JSON of the personal part
    subject: Mapped[str] = mapped_column(String(60), default="", index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("administrative_units.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a worker is sending it
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_channel: Mapped[str | None] = mapped_column(String(10))  # the fallback, when it was used

    def __repr__(self):
        return f"<Notification {self.id} {self.template} {self.channel} {self.status}>"
