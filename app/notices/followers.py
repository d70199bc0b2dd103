"""Citizens who follow a notice or a unit by e-mail ("theo dõi"): double opt-in, one-click unsubscribe."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime


class Follower(db.Model):
    """One e-mail address following one notice or one unit (and everything under it).

    `email` is encrypted (outbox.crypto); `email_hash` (a keyed SHA-256 of the lower-cased address) finds
    the same address again without decrypting. `target` is "notice:<id>" or "unit:<id>".
    """

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("email_hash", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(Text)
    email_hash: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(40), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("administrative_units.id"))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<Follower {self.id} {self.target}>"
