"""Units' public keys for sealing denouncers' identities: register, rotate, find the one that seals.

A unit seals with its newest key that is not retired; a unit without one seals with the nearest unit
above it that has one (a commune with the province's). Production refuses to start unless every
province has a key (`init_identity_check`, and `flask identity check` for the deployment), so an
item never waits for a key. In development and tests a missing key is made on the spot for the top
of the unit's tree (SEALING_KEY_FALLBACK): kept under instance/keys/ (demo only) or thrown away.
"""

import os
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, inspect, or_, select

from app.accounts.models import AdministrativeUnit
from app.clock import format_datetime, utcnow
from app.extensions import db
from app.feedback import sealing
from app.feedback.models import Feedback, FeedbackPhoto, UnitKey
from app.ledger.chain import record

DEMO_README = (
    "Demo only, never in production: these private keys open the demo's sealed denouncer identities.\n"
    "In production a unit's private key is printed once by `flask --app app identity keygen` and kept\n"
    "offline (a safe, a private USB stick); the server never holds it.\n"
)


class NoSealingKey(RuntimeError):
    """Neither the unit nor any unit above it has a key, and the configuration makes none."""


class KeyExists(ValueError):
    """The unit already has an active key: rotate it instead."""


def keys_directory():
    """Where the demo keeps the private keys it makes: IDENTITY_KEYS_DIR, else instance/keys.

    None in tests that set no folder (SEALING_KEY_FALLBACK "throwaway"): their keys are not kept.
    """
    configured = current_app.config.get("IDENTITY_KEYS_DIR")
    if configured:
        return Path(configured)
    if current_app.config.get("SEALING_KEY_FALLBACK") == "throwaway":
        return None
    return Path(current_app.instance_path) / "keys"


def active_key(unit):
    """The unit's own newest key that is not retired, or None."""
    return db.session.scalar(
        select(UnitKey)
        .where(UnitKey.unit_id == unit.id, UnitKey.retired_at.is_(None))
        .order_by(UnitKey.created_at.desc(), UnitKey.id.desc())
        .limit(1)
    )


def key_by_fingerprint(fingerprint):
    return db.session.scalar(select(UnitKey).where(UnitKey.fingerprint == fingerprint)) if fingerprint else None


def unit_keys(unit=None):
    """Every registered key (of one unit), newest first."""
    query = select(UnitKey).order_by(UnitKey.unit_id, UnitKey.created_at.desc(), UnitKey.id.desc())
    if unit is not None:
        query = query.where(UnitKey.unit_id == unit.id)
    return db.session.scalars(query).all()


def sealing_key_for(unit):
    """The key that seals what `unit` receives: its own, else the nearest unit's above it."""
    chain = [unit, *reversed(unit.ancestors())]
    keys = db.session.scalars(
        select(UnitKey)
        .where(UnitKey.unit_id.in_([member.id for member in chain]), UnitKey.retired_at.is_(None))
        .order_by(UnitKey.created_at.desc(), UnitKey.id.desc())
    ).all()
    for member in chain:
        for key in keys:
            if key.unit_id == member.id:
                return key
    return _fallback_key(chain[-1])


def _fallback_key(top):
    """Development and tests only: make the top unit a key now (production has one, or does not start)."""
    fallback = current_app.config.get("SEALING_KEY_FALLBACK") or ""
    if fallback not in ("instance", "throwaway"):
        raise NoSealingKey(f"no identity key for {top.code} or below; run `flask identity keygen --unit {top.code}`")
    key, private_key = register_new_key(top, by="fallback")
    directory = keys_directory()
    if fallback == "instance" and directory is not None:
        path = directory / f"{top.code}-{key.fingerprint[:8]}.key"
        write_private_key(path, private_key, top, demo=True)
        current_app.logger.warning("No identity key above %s: made one for %s, kept in %s", top.code, top.code, path)
    return key


def register_new_key(unit, by="cli", actor=None):
    """Make a key pair, register its public half (audited), and return (UnitKey, private key)."""
    private_key, public_key = sealing.new_key_pair()
    key = UnitKey(unit=unit, public_key=public_key, fingerprint=sealing.fingerprint(public_key), created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    record(
        "identity.key_registered",
        key,
        f"{unit.code}: {sealing.short_fingerprint(key.fingerprint)}",
        {"unit": unit.code, "fingerprint": key.fingerprint, "by": by},
        actor,
    )
    return key, private_key


def generate_key(unit, rotate=False, by="cli", actor=None):
    """A new key for the unit: (UnitKey, private key, retired keys). Rotating retires the older ones for new items."""
    older = [key for key in unit_keys(unit) if key.retired_at is None]
    if older and not rotate:
        raise KeyExists(unit.code)
    key, private_key = register_new_key(unit, by=by, actor=actor)
    for old in older:
        old.retired_at = utcnow()
        record(
            "identity.key_retired",
            old,
            f"{unit.code}: {sealing.short_fingerprint(old.fingerprint)}",
            {"unit": unit.code, "fingerprint": old.fingerprint, "replaced_by": key.fingerprint, "by": by},
            actor,
        )
    db.session.flush()
    return key, private_key, older


def write_private_key(path, private_key, unit, demo=False):
    """Write the key file once (0600, never over an existing file); in the demo folder, with its README."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if demo:
        readme = path.parent / "README.txt"
        if not readme.exists():
            readme.write_text(DEMO_README, encoding="utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(sealing.key_file_text(private_key, unit.code, unit.name, format_datetime(utcnow())))
    return path


def ensure_demo_keys(units, directory=None):
    """seed-demo: a key for each unit that has none, its private half in instance/keys/<code>.key; return the count."""
    directory = Path(directory) if directory else keys_directory()
    made = 0
    for unit in units:
        if active_key(unit) is not None:
            continue
        key, private_key = register_new_key(unit, by="seed-demo")
        made += 1
        if directory is None:
            continue
        path = directory / f"{unit.code}.key"
        if path.exists():
            path = directory / f"{unit.code}-{key.fingerprint[:8]}.key"
        write_private_key(path, private_key, unit, demo=True)
    db.session.flush()
    return made


# --- production refuses to start without a key ------------------------------------------------------


def clear_denunciations_count():
    """Denunciations whose identity is still in clear (from before sealing existed)."""
    clear = or_(
        Feedback.submitter_name != "",
        Feedback.submitter_phone != "",
        Feedback.submitter_email != "",
        Feedback.submitter_address != "",
        Feedback.submitter_id_number != "",
    )
    return db.session.scalar(select(func.count()).select_from(Feedback).where(Feedback.kind == "denunciation", clear))


def clear_denunciation_photos_count():
    """Denunciations' photos still stored as images (from before photos were sealed)."""
    return db.session.scalar(
        select(func.count())
        .select_from(FeedbackPhoto)
        .join(Feedback, Feedback.id == FeedbackPhoto.feedback_id)
        .where(Feedback.kind == "denunciation", FeedbackPhoto.sealed_key_fingerprint.is_(None))
    )


def check_sealing_keys():
    """What stops production: a province without a key, denunciations' identities or photos in clear (sentences)."""
    if not inspect(db.engine).has_table(UnitKey.__tablename__):
        return ["the database has no unit_keys table: run `flask --app app db upgrade`"]
    provinces = db.session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.kind == "province")).all()
    provinces = [province for province in provinces if province.is_current]
    problems = []
    if not provinces:
        problems.append(
            "no province is loaded: run `flask --app app units load --province CODE`, then `identity keygen`"
        )
    for province in provinces:
        if active_key(province) is None:
            problems.append(
                f"province {province.code} ({province.name}) has no key to seal denouncers' identities: "
                f"run `flask --app app identity keygen --unit {province.code}` and keep the key file offline"
            )
    clear = clear_denunciations_count()
    if clear:
        problems.append(f"{clear} denunciation(s) hold their identity in clear: run `flask --app app identity seal`")
    clear_photos = clear_denunciation_photos_count()
    if clear_photos:
        problems.append(
            f"{clear_photos} photo(s) of denunciations are stored in clear: run `flask --app app identity seal`"
        )
    return problems


def _is_serving():
    """Whether the app is being made to serve requests: by a WSGI server, or `flask run`, not another command."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def init_identity_check(app):
    """With REQUIRE_SEALING_KEY (production), refuse to serve unless every province has a key."""
    if not app.config.get("REQUIRE_SEALING_KEY") or not _is_serving():
        return
    with app.app_context():
        try:
            problems = check_sealing_keys()
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection is carried into forked workers
    if problems:
        raise RuntimeError("Công khai refuses to start: " + "; ".join(problems))
