"""The search change log: one row per change of a notice's public content.

Rows are written in the same transaction as the change (see services.notice_changed),
so a committed change can never be missed by the index. Every app node replays the log
into its own index, so rows are kept (old ones may be pruned, never the newest).
"""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime


class SearchChange(db.Model):
    """A notice whose indexed document must be refreshed (or removed) from the database."""

    __tablename__ = "search_changes"
    # AUTOINCREMENT: SQLite must never hand out an id again after pruning, or nodes would skip it.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a deleted draft's rows stay valid (applying them removes the document).
    notice_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self):
        return f"<SearchChange {self.id} notice={self.notice_id}>"
