"""The audit chain: an append-only log of every state change, each entry sealed to the one before it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime


class AuditEntry(db.Model):
    """One state change by anyone; `entry_hash` covers this row and the previous hash."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Unique: two entries claiming the same predecessor would fork the chain.
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    # By name: the core imports no domain; the accounts layer maps "User" before any query runs.
    actor = relationship("User", viewonly=True)

    def __repr__(self):
        return f"<AuditEntry {self.id} {self.action} {self.object_type}:{self.object_id}>"
