"""Walk the audit chain and report the first broken link.

Each entry stores the hash of the one before it (`previous_hash`, the genesis hash for the first) and
its own `entry_hash` = entry_digest(previous_hash, its content). Walking the entries in id order and
recomputing every digest detects an edited entry (its content no longer matches its hash), a deleted
entry (its successor points at a hash nobody has) and an inserted or re-linked entry (a link that does
not match the entry before it).

What a hash chain cannot show on its own: the last entries deleted (nothing points at them), or the
whole tail rewritten with fresh hashes by someone with write access. Against both, note the head hash
that `verify` prints and check it later with `--anchor`: it must still be in the chain.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.chain import GENESIS_HASH, entry_digest
from app.ledger.models import AuditEntry

# Kinds of break, in the order the checks run.
MISSING_GENESIS = "missing_genesis"  # the first entry is not linked to the genesis hash
UNEXPECTED_GENESIS = "unexpected_genesis"  # a later entry claims to start the chain
PREDECESSOR_MISMATCH = "predecessor_mismatch"  # linked to a hash the entry before it does not have
CONTENT_ALTERED = "content_altered"  # the content does not match the stored hash
ANCHOR_MISSING = "anchor_missing"  # a head hash noted earlier is no longer in the chain
DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class ChainBreak:
    """The first broken link: which entry, what is wrong, and the hashes involved."""

    entry_id: int | None
    problem: str
    previous_id: int | None = None
    expected: str | None = None
    found: str | None = None
    linked_entry_id: int | None = None  # an entry elsewhere in the chain that has the hash this one points at

    def describe(self):
        """One English line for the command line."""
        if self.problem == MISSING_GENESIS:
            return (
                f"entry {self.entry_id}: the first entry does not start the chain "
                f"(previous_hash {self.found[:16]}…): entries before it were deleted"
            )
        if self.problem == UNEXPECTED_GENESIS:
            return (
                f"entry {self.entry_id}: claims to start the chain although entry {self.previous_id} comes before it "
                "(inserted, or the entries before it were replaced)"
            )
        if self.problem == PREDECESSOR_MISMATCH:
            where = (
                f"that hash belongs to entry {self.linked_entry_id} (entries re-ordered or inserted)"
                if self.linked_entry_id
                else "no entry has that hash: its predecessor was deleted or changed"
            )
            return (
                f"entry {self.entry_id}: predecessor missing or changed: it expects previous hash "
                f"{self.found[:16]}… but entry {self.previous_id} has {self.expected[:16]}…; {where}"
            )
        if self.problem == CONTENT_ALTERED:
            return (
                f"entry {self.entry_id}: content altered: it hashes to {self.found[:16]}… "
                f"but the stored hash is {self.expected[:16]}…"
            )
        return (
            f"anchor: the entry with hash {self.expected[:16]}… is no longer in the chain at its noted position: "
            "entries up to it were rewritten or deleted"
        )


@dataclass(frozen=True)
class ChainReport:
    """The result of a walk: how many entries were checked, the head, and the first break if any."""

    count: int
    head_id: int | None
    head_hash: str | None
    broken: ChainBreak | None = None

    @property
    def is_intact(self):
        return self.broken is None


def _columns():
    return (
        AuditEntry.id,
        AuditEntry.created_at,
        AuditEntry.actor_id,
        AuditEntry.action,
        AuditEntry.object_type,
        AuditEntry.object_id,
        AuditEntry.summary,
        AuditEntry.data,
        AuditEntry.previous_hash,
        AuditEntry.entry_hash,
    )


def _entry_with_hash(entry_hash):
    return db.session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.entry_hash == entry_hash))


def parse_anchor(anchor):
    """Return (position or None, hash) from "COUNT:HASH" or a bare "HASH"."""
    if anchor is None:
        return None, None
    position, _, anchor_hash = anchor.strip().rpartition(":")
    return (int(position) if position.isdigit() else None), anchor_hash.lower()


def anchor_of(report):
    """The "COUNT:HASH" to note now and pass to a later check as --anchor."""
    return f"{report.count}:{report.head_hash}" if report.head_hash else None


def verify_chain(anchor=None, batch_size=DEFAULT_BATCH_SIZE):
    """Walk every entry in id order, streaming `batch_size` rows at a time; stop at the first break.

    With `anchor` ("COUNT:HASH" or "HASH" noted earlier), also require the entry with that hash to be in
    the chain (and to be entry number COUNT of it, so entries deleted before it are seen too).
    """
    query = select(*_columns()).order_by(AuditEntry.id).execution_options(yield_per=batch_size)
    count, previous_id, previous_hash = 0, None, GENESIS_HASH
    anchor_position, anchor_hash = parse_anchor(anchor)
    anchor_seen = anchor is None
    for row in db.session.execute(query):
        broken = None
        if row.previous_hash != previous_hash:
            if previous_id is None:
                broken = ChainBreak(row.id, MISSING_GENESIS, found=row.previous_hash, expected=GENESIS_HASH)
            elif row.previous_hash == GENESIS_HASH:
                broken = ChainBreak(row.id, UNEXPECTED_GENESIS, previous_id=previous_id)
            else:
                broken = ChainBreak(
                    row.id,
                    PREDECESSOR_MISMATCH,
                    previous_id=previous_id,
                    expected=previous_hash,
                    found=row.previous_hash,
                    linked_entry_id=_entry_with_hash(row.previous_hash),
                )
        else:
            digest = entry_digest(
                row.previous_hash,
                row.created_at,
                row.actor_id,
                row.action,
                row.object_type,
                row.object_id,
                row.summary,
                row.data,
            )
            if digest != row.entry_hash:
                broken = ChainBreak(row.id, CONTENT_ALTERED, expected=row.entry_hash, found=digest)
        if broken is not None:
            return ChainReport(count, previous_id, previous_hash if previous_id else None, broken)
        count += 1
        previous_id, previous_hash = row.id, row.entry_hash
        if row.entry_hash == anchor_hash and anchor_position in (None, count):
            anchor_seen = True
    head_hash = previous_hash if previous_id else None
    if not anchor_seen:
        return ChainReport(count, previous_id, head_hash, ChainBreak(None, ANCHOR_MISSING, expected=anchor_hash))
    return ChainReport(count, previous_id, head_hash)
