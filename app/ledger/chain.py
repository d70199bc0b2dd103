"""Write audit entries in the caller's transaction, chained by SHA-256."""

import hashlib
import json

from sqlalchemy import select, text

from app.clock import utcnow
from app.extensions import db
from app.ledger.models import AuditEntry

GENESIS_HASH = "0" * 64
# Any constant: serialises chain appends across PostgreSQL sessions until commit.
_CHAIN_LOCK_KEY = 0x636B61  # "cka"


def entry_digest(previous_hash, created_at, actor_id, action, object_type, object_id, summary, data):
    """Return the hex SHA-256 that seals one entry to the one before it."""
    payload = json.dumps(
        [previous_hash, created_at.isoformat(), actor_id, action, object_type, str(object_id), summary, data],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(action, obj, summary="", data=None, actor=None):
    """Append an audit entry for `obj` (a model with an id) to the current transaction."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    previous = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.id),
        summary=summary,
        data=data or {},
        previous_hash=previous or GENESIS_HASH,
    )
    entry.entry_hash = entry_digest(
        entry.previous_hash,
        entry.created_at,
        entry.actor_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.summary,
        entry.data,
    )
    session.add(entry)
    session.flush()
    return entry
