"""Public notices, their published versions and their attachments."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today, utcnow
from app.extensions import db
from app.types import UTCDateTime


class Notice(db.Model):
    """A public notice (niêm yết công khai) of one administrative unit."""

    __tablename__ = "notices"
    __table_args__ = (
        # The lists' order (newest posting first, then id) with the unit and category beside it, so a
        # filtered page, deep or not, is found by walking the index without reading table rows.
        Index("ix_notices_status_posting_start", "status", "posting_start", "id", "unit_id", "category"),
        # "Current" and "closing soon" filter on the end of the posting period.
        Index("ix_notices_status_posting_end", "status", "posting_end"),
        # Current notices per commune (home page, unit pages), counted from the index alone.
        Index("ix_notices_unit_status", "unit_id", "status", "posting_end", "posting_start"),
        # A category's list, in the lists' order.
        Index("ix_notices_category_status", "category", "status", "posting_start", "id", "unit_id"),
        # The Atom feeds: the latest withdrawals, newest first.
        Index("ix_notices_status_withdrawn_at", "status", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"))
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(500))
    body_html: Mapped[str] = mapped_column(Text, default="")
    legal_reference: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None]
    posting_start: Mapped[date]
    posting_end: Mapped[date]
    opinion_end: Mapped[date | None]
    place: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_position: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(20))  # E.164
    status: Mapped[str] = mapped_column(String(20), default="draft")
    short_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[AdministrativeUnit] = relationship()
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list["NoticeVersion"]] = relationship(
        back_populates="notice", order_by="NoticeVersion.number", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="notice", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Notice {self.id} {self.status} {self.title[:30]!r}>"

    @property
    def public_status(self):
        """Derived status: draft, withdrawn, upcoming, published (current) or expired."""
        if self.status != "published":
            return self.status
        today = local_today()
        if self.posting_end < today:
            return "expired"
        if self.posting_start > today:
            return "upcoming"
        return "published"

    @property
    def is_public(self):
        """Whether citizens may read it (published, including expired, or withdrawn)."""
        return self.status in ("published", "withdrawn")

    @property
    def corrections(self):
        """Versions after the first publication, newest last."""
        return [version for version in self.versions if version.number > 1]


class NoticeVersion(db.Model):
    """A full snapshot of a notice as published; version 1 is the first publication."""

    __tablename__ = "notice_versions"
    __table_args__ = (
        UniqueConstraint("notice_id", "number"),
        # The Atom feeds: the latest publications and corrections, newest first.
        Index("ix_notice_versions_created_at", "created_at", "notice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    number: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<NoticeVersion {self.notice_id}#{self.number}>"


class Attachment(db.Model):
    """A file attached to a notice, stored under a random name in NOTICES_DIR."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="attachments")

    def __repr__(self):
        return f"<Attachment {self.id} {self.original_name!r}>"
