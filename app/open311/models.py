"""API keys of the systems that post through Open311, and what each Open311 request brought beside the item."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import AdministrativeUnit
from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime


class ApiKey(db.Model):
    """A key a system posts with: kept as SHA-256 only; bound to a unit (and what is under it) or to none."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("administrative_units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[AdministrativeUnit | None] = relationship()

    def __repr__(self):
        return f"<ApiKey {self.name}>"

    @property
    def is_active(self):
        return self.revoked_at is None

    def may_submit_to(self, unit):
        """A key bound to a unit posts to that unit or one under it; an unbound key anywhere."""
        return self.unit is None or self.unit.contains(unit)


class Open311Submission(db.Model):
    """The key an Open311 item came with and the point the client gave (lat/long, never shown in public)."""

    __tablename__ = "open311_submissions"
    __table_args__ = (Index("ix_open311_submissions_api_key_id", "api_key_id"),)

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    api_key: Mapped[ApiKey] = relationship()
