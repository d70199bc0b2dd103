"""Citizens who follow a notice or a unit by e-mail ("theo dõi"): subscribe, confirm, unsubscribe, be told.

- `follow(email, notice=…|unit=…)` finds or adds the follower of that address and target (unconfirmed)
  and queues the confirmation mail; nothing else is ever sent before the link in it is opened.
- `confirm(token)` and `unsubscribe(token)` take the signed links of those mails (itsdangerous with the
  app's SECRET_KEY: "follow-confirm" links last 7 days, "follow-unsubscribe" links never expire).
- Every public change of a notice (notices.signals.notice_changed: published, corrected, withdrawn) queues
  one mail, in the change's own transaction, to each confirmed follower of the notice, of its unit or of
  any unit above it; `notify_public_answer` does the same for an answer made public on a notice.

The address is stored encrypted (outbox.crypto) and found again by `email_hash`, an HMAC-SHA256 of the
lower-cased address keyed by SECRET_KEY; it is erased when the follower unsubscribes.
"""

import hashlib
import hmac
from datetime import UTC, timedelta

from flask import current_app, has_request_context
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import AdministrativeUnit
from app.clock import utcnow
from app.extensions import db
from app.notices.followers import Follower
from app.notices.models import Notice
from app.outbox.crypto import seal
from app.outbox.queue import notify
from app.urls import public_url

CONFIRM_SALT = "follow-confirm"
UNSUBSCRIBE_SALT = "follow-unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # seconds
# At most one confirmation mail per address and target in this many seconds, however often the form
# is sent (the form's rate limit is per IP; this one protects the mailbox).
CONFIRM_RESEND_SECONDS = 600
CHANGE_TEMPLATES = {
    "published": "follow.notice_published",
    "corrected": "follow.notice_corrected",
    "withdrawn": "follow.notice_withdrawn",
}


class BadLink(Exception):
    """A confirmation or unsubscribe link that names no follower (or was changed)."""


class ExpiredLink(Exception):
    """A confirmation link older than 7 days, or older than the unsubscription it would undo."""


# --- addresses, targets, links --------------------------------------------------------------------


def email_hash(email):
    """The keyed SHA-256 (hex) that finds an address again without decrypting it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def target_of(notice=None, unit=None):
    """The `Follower.target` of a notice or a unit: "notice:<id>" or "unit:<id>"."""
    if notice is not None:
        return f"notice:{notice.id}"
    return f"unit:{unit.id}"


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _unsubscribed_stamp(follower):
    moment = follower.unsubscribed_at
    if moment is None:
        return 0
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1_000_000)


def confirm_token(follower):
    """A confirmation link's token: the follower and when it last unsubscribed (0: never)."""
    return _serializer(CONFIRM_SALT).dumps([follower.id, _unsubscribed_stamp(follower)])


def unsubscribe_token(follower_id):
    return _serializer(UNSUBSCRIBE_SALT).dumps(follower_id)


def absolute_url(endpoint, **values):
    """The public URL of an endpoint, in a request or not (the worker renders mails outside any request)."""
    if has_request_context():
        return public_url(endpoint, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path


def confirm_url(follower):
    return absolute_url("notices.confirm_follow", token=confirm_token(follower))


def unsubscribe_url(follower_id):
    return absolute_url("notices.unsubscribe_follow", token=unsubscribe_token(follower_id))


def _token_value(token, salt, max_age=None):
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ExpiredLink() from error
    except BadSignature as error:
        raise BadLink() from error


def _follower(follower_id):
    # bool is an int too; ids are 32-bit in PostgreSQL.
    if type(follower_id) is not int or not 0 < follower_id < 2**31:
        raise BadLink()
    follower = db.session.get(Follower, follower_id)
    if follower is None:
        raise BadLink()
    return follower


# --- subscribing ----------------------------------------------------------------------------------


def _find(hashed, target):
    return db.session.scalar(select(Follower).where(Follower.email_hash == hashed, Follower.target == target))


def _find_or_add(email, notice, unit, language):
    hashed, target = email_hash(email), target_of(notice, unit)
    follower = _find(hashed, target)
    if follower is not None:
        return follower
    follower = Follower(
        email=seal(email),
        email_hash=hashed,
        target=target,
        notice_id=notice.id if notice is not None else None,
        unit_id=unit.id if unit is not None else None,
        language=language or "vi",
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():  # the same address sent twice at once: keep the first
            db.session.add(follower)
    except IntegrityError:
        follower = _find(hashed, target)
    return follower


def follow(email, notice=None, unit=None, language="vi"):
    """Find or add the follower of `email` for a notice or a unit and queue its confirmation mail.

    Whether the address already followed (confirmed, waiting, unsubscribed) changes nothing the caller
    sees: the same mail goes out, and only opening its link starts (or restarts) the messages.
    """
    email = email.strip()
    follower = _find_or_add(email, notice, unit, language)
    if follower.email is None:  # unsubscribed, its address erased: keep the one typed now
        follower.email = seal(email)
    db.session.flush()
    unit_id = notice.unit_id if notice is not None else unit.id
    notify(
        channel="email",
        recipient=email,
        template="follow.confirm",
        payload={"follower_id": follower.id, **_target_payload(notice, unit)},
        language=follower.language,
        subject=f"follower:{follower.id}",
        unit_id=unit_id,
        dedupe_key=f"follower:{follower.id}:confirm:{int(utcnow().timestamp()) // CONFIRM_RESEND_SECONDS}",
    )
    return follower


def _target_payload(notice, unit):
    if notice is not None:
        return {"notice_id": notice.id, "title": notice.title, "unit": notice.unit.name}
    return {"unit_code": unit.code, "unit": unit.name}


def confirm(token):
    """Start the messages of the follower named by a confirmation link; return it.

    A link made before the follower last unsubscribed does not bring the messages back.
    """
    value = _token_value(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    if not isinstance(value, list) or len(value) != 2:
        raise BadLink()
    follower = _follower(value[0])
    if follower.unsubscribed_at is not None:
        if value[1] != _unsubscribed_stamp(follower) or follower.email is None:
            raise ExpiredLink()
        follower.unsubscribed_at = None
        follower.confirmed_at = utcnow()
    elif follower.confirmed_at is None:
        follower.confirmed_at = utcnow()
    db.session.flush()
    return follower


def find_unsubscribing(token):
    """The follower named by an unsubscribe link, unchanged (BadLink if the link names none)."""
    return _follower(_token_value(token, UNSUBSCRIBE_SALT))


def followed(follower):
    """(notice, unit): what the follower follows, one of them None."""
    notice = db.session.get(Notice, follower.notice_id) if follower.notice_id is not None else None
    unit = db.session.get(AdministrativeUnit, follower.unit_id) if follower.unit_id is not None else None
    return notice, unit


def unsubscribe(token):
    """Stop every message to the follower named by an unsubscribe link and erase its address; return it."""
    follower = _follower(_token_value(token, UNSUBSCRIBE_SALT))
    if follower.unsubscribed_at is None:
        follower.unsubscribed_at = utcnow()
    follower.email = None
    db.session.flush()
    return follower


def is_following(follower):
    """Whether messages go to this follower (confirmed, not unsubscribed, address kept)."""
    return follower is not None and follower.confirmed_at is not None and follower.unsubscribed_at is None


# --- telling followers ----------------------------------------------------------------------------


def followers_of(notice, with_units=True):
    """The followers to tell of a change to `notice`: one per address, confirmed and not unsubscribed.

    Those of the notice itself, and (with_units) of its unit and every unit above it. An address that
    follows several of these is told once.
    """
    units = [*notice.unit.ancestors(), notice.unit] if with_units else []
    # The notice first, then the nearest unit: an address's first row is the one it is told through.
    rank = {f"notice:{notice.id}": 0} | {f"unit:{unit.id}": len(units) - depth for depth, unit in enumerate(units)}
    rows = db.session.scalars(
        select(Follower).where(
            Follower.target.in_(list(rank)),
            Follower.confirmed_at.is_not(None),
            Follower.unsubscribed_at.is_(None),
            Follower.email.is_not(None),
        )
    ).all()
    chosen = {}
    for follower in sorted(rows, key=lambda row: (rank[row.target], row.id)):
        chosen.setdefault(follower.email_hash, follower)
    return sorted(chosen.values(), key=lambda row: row.id)


def _tell(followers, notice, template, key, extra=None):
    """Queue `template` to each follower about `notice`, once per follower and `key`; return how many."""
    count = 0
    for follower in followers:
        row = notify(
            channel="email",
            recipient=None,
            sealed_recipient=follower.email,  # the address stays encrypted on its way to the outbox
            template=template,
            payload={
                "follower_id": follower.id,
                "notice_id": notice.id,
                "title": notice.title,
                "unit": notice.unit.name,
                "followed": _followed_name(follower, notice),
                **(extra or {}),
            },
            language=follower.language,
            subject=f"follower:{follower.id}",
            unit_id=notice.unit_id,
            dedupe_key=f"notice:{notice.id}:{key}:{follower.id}",
        )
        count += row is not None
    return count


def _followed_name(follower, notice):
    """What the follower follows, as the mail's footer names it: None for the notice itself."""
    if follower.notice_id is not None:
        return None
    unit = notice.unit
    while unit is not None and unit.id != follower.unit_id:
        unit = unit.parent
    return unit.name if unit is not None else None


def change_of(notice):
    """(kind, key) of the public change `notice` just went through, or None for a draft.

    The last version tells publication (1) from correction (2, 3, …); a withdrawal adds no version.
    """
    if notice.status == "withdrawn":
        return "withdrawn", "withdrawn"
    if notice.status != "published" or not notice.versions:
        return None
    number = max(version.number for version in notice.versions)
    return ("published" if number == 1 else "corrected"), f"v{number}"


def notice_change_notifications(notice):
    """Queue the mails of the change `notice` just went through (in the caller's transaction)."""
    change = change_of(notice)
    if change is None:
        return 0
    kind, key = change
    extra = {}
    if kind == "corrected":
        extra["reason"] = max(notice.versions, key=lambda version: version.number).reason
    elif kind == "withdrawn":
        extra["reason"] = notice.withdrawal_reason
    return _tell(followers_of(notice), notice, CHANGE_TEMPLATES[kind], key, extra)


def notify_public_answer(notice, answer_url, answer_key=None):
    """Tell the followers of `notice` that an answer about it was made public; return how many were told.

    For the feedback layer, when an official makes an answer on a notice public. `answer_url` is the
    public page of the answer; `answer_key` (default: derived from the URL) makes calling twice for the
    same answer harmless. Only those who follow the notice itself are told, not its unit's followers.
    """
    if not notice.is_public:
        return 0
    key = answer_key or hashlib.sha256(answer_url.encode()).hexdigest()[:16]
    followers = followers_of(notice, with_units=False)
    return _tell(followers, notice, "follow.public_answer", f"answer:{key}", {"answer_url": answer_url})


def forget_unconfirmed(now=None):
    """Erase followers who never opened their confirmation link before it expired; return how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=CONFIRM_MAX_AGE)
    stale = db.session.scalars(
        select(Follower).where(Follower.confirmed_at.is_(None), Follower.created_at < cutoff)
    ).all()
    for follower in stale:
        db.session.delete(follower)
    db.session.flush()
    return len(stale)
