"""flask identity …: units' keys for denouncers' identities, and opening one identity from an offline key.

flask --app app identity keygen --unit CODE [--out FILE]   a key pair; the private half goes to FILE only
flask --app app identity rotate --unit CODE [--out FILE]   the same, retiring the unit's older key
flask --app app identity unseal CODE --key FILE [--reason TEXT] [--photos DIR]
flask --app app identity keys | check | seal
"""

import getpass
import io
import os
import sys
from pathlib import Path

import click
import qrcode
from flask.cli import AppGroup

from app.accounts.models import AdministrativeUnit
from app.clock import format_datetime
from app.extensions import db
from app.feedback import identities, intake, sealing, unit_keys
from app.i18n import in_vietnamese

identity_cli = AppGroup("identity", help="Keys that seal denouncers' identities, and opening one with a key.")

DEFAULT_REASON = "Mở bằng dòng lệnh, không ghi lý do"


def terminal_user():
    """Who runs the command, for the audit log: "cli:<OS user>" (who ran sudo, under sudo), else "cli"."""
    name = os.environ.get("SUDO_USER", "").strip()
    if not name:
        try:
            name = getpass.getuser().strip()
        except (KeyError, OSError, ImportError):  # no login name and no passwd entry (a bare container)
            name = ""
    return f"cli:{name}" if name else "cli"


def _unit(code):
    unit = AdministrativeUnit.by_code(code)
    if unit is None:
        raise click.ClickException(f"No unit with code {code!r} (flask units load first?).")
    return unit


def _write_qr(path, text):
    """A PNG of the key line's QR code (error correction M), 0600, never over an existing file."""
    image = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(buffer.getvalue())


def _terminal_qr(text):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    output = io.StringIO()
    code.print_ascii(out=output, invert=True)
    return output.getvalue()


def _make_key(unit_code, out, show_qr, rotate):
    unit = _unit(unit_code)
    if out is not None and Path(out).exists():
        raise click.ClickException(f"{out} exists: the key file is written once, never over another file.")
    try:
        key, private_key, retired = unit_keys.generate_key(unit, rotate=rotate, by=terminal_user())
    except unit_keys.KeyExists as error:
        db.session.rollback()
        raise click.ClickException(
            f"{unit.name} ({unit.code}) already has a key; `flask identity rotate --unit {unit.code}` makes a new one "
            "for new items (older items still open with the older key)."
        ) from error
    path = Path(out or f"congkhai-{unit.code}-{key.fingerprint[:8]}.key")
    qr_path = path.with_name(path.name + ".png")
    written = []
    try:
        written.append(unit_keys.write_private_key(path, private_key, unit))
        _write_qr(qr_path, sealing.key_line(private_key))
    except OSError as error:
        db.session.rollback()
        for done in written:
            done.unlink(missing_ok=True)
        raise click.ClickException(f"could not write the key files, nothing was registered: {error}") from error
    db.session.commit()
    click.echo(
        f"Key registered for {unit.name} ({unit.code}): fingerprint {sealing.short_fingerprint(key.fingerprint)}"
    )
    for old in retired:
        click.echo(
            f"Retired for new items: {sealing.short_fingerprint(old.fingerprint)} (its items still open with it)"
        )
    click.echo(f"Private key written once to {path} (mode 600), its QR code to {qr_path}.")
    click.echo("Print the QR code, keep the file offline (a safe, a private USB stick) and delete both from this")
    click.echo("machine: the server keeps no copy, and without the key the identities sealed to it cannot be read.")
    if show_qr:
        click.echo(_terminal_qr(sealing.key_line(private_key)))


@identity_cli.command("keygen")
@click.option("--unit", "unit_code", required=True, help="The unit's code (a commune, or the province).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="The private key file to write.")
@click.option("--qr", "show_qr", is_flag=True, help="Also print the key's QR code on the terminal.")
def keygen_command(unit_code, out, show_qr):
    """Make a key pair for a unit: register the public half, write the private half once to a file."""
    _make_key(unit_code, out, show_qr, rotate=False)


@identity_cli.command("rotate")
@click.option("--unit", "unit_code", required=True, help="The unit's code.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="The private key file to write.")
@click.option("--qr", "show_qr", is_flag=True, help="Also print the key's QR code on the terminal.")
def rotate_command(unit_code, out, show_qr):
    """A new key for a unit's new items; its older key is retired but still opens the older items."""
    _make_key(unit_code, out, show_qr, rotate=True)


def _write_photos(folder, item, photos):
    """Write the opened photos to `folder` (made 0700 if new), each 0600 and never over a file; return the paths."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    try:
        for photo in photos:
            path = folder / f"{item.tracking_code}-anh-{photo.number}.{photo.extension}"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            written.append(path)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(photo.data)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


@identity_cli.command("unseal")
@click.argument("code")
@click.option("--key", "key_file", required=True, type=click.File("rb"), help="The unit's private key file.")
@click.option(
    "--reason",
    default=None,
    help=f"Why the identity is read (kept in the audit log). Without it the log says “{DEFAULT_REASON}”.",
)
@click.option(
    "--photos",
    "photos_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also open the item's sealed photos and write them to this folder (never over a file).",
)
@in_vietnamese
def unseal_command(code, key_file, reason, photos_dir):
    """Print the identity of the item with tracking code CODE.

    Every run is an audit entry: who (cli:<OS user>; under sudo, the user who ran sudo), why (REASON), how many photos.
    """
    item = intake.find_by_code(code, for_update=True)
    if item is None:
        raise click.ClickException(f"Không tìm thấy hồ sơ mã {code!r}.")
    key_data = key_file.read(sealing.MAX_KEY_FILE_BYTES + 1)
    try:
        revealed = identities.reveal(
            item,
            (reason or "").strip() or DEFAULT_REASON,
            key_data=key_data,
            by=terminal_user(),
            with_photos=photos_dir is not None,
        )
    except identities.IdentityError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    written = []
    if revealed.photos:
        try:
            written = _write_photos(photos_dir, item, revealed.photos)
        except OSError as error:
            db.session.rollback()
            raise click.ClickException(f"Không ghi được ảnh vào {photos_dir}: {error}") from error
    try:
        db.session.commit()
    except Exception:
        for path in written:  # not recorded, so not kept
            path.unlink(missing_ok=True)
        raise
    identity = revealed.identity
    click.echo(f"Hồ sơ {item.tracking_code} ({item.unit.name}); lần xem này đã ghi vào nhật ký kiểm tra.")
    for label, value in (
        ("Họ tên", identity.name),
        ("Địa chỉ", identity.address),
        ("Điện thoại", identity.phone),
        ("Email", identity.email),
        ("Số CCCD", identity.id_number),
    ):
        click.echo(f"  {label}: {value or '(không ghi)'}")
    for path in written:
        click.echo(f"  Ảnh: {path}")
    sealed_photos = sum(photo.is_sealed for photo in item.photos)
    if sealed_photos and photos_dir is None:
        click.echo(f"  {sealed_photos} ảnh niêm phong: thêm --photos THƯ_MỤC để mở và ghi ảnh ra thư mục đó.")


@identity_cli.command("keys")
def keys_command():
    """List the registered public keys: unit, fingerprint, created, retired."""
    for key in unit_keys.unit_keys():
        state = f"retired {format_datetime(key.retired_at)}" if key.retired_at else "active"
        fingerprint = sealing.short_fingerprint(key.fingerprint)
        click.echo(
            f"{key.unit.code:<8} {fingerprint}  created {format_datetime(key.created_at)}  {state}  {key.unit.name}"
        )


@identity_cli.command("check")
def check_command():
    """Exit 1 unless every province has a key and no denunciation holds its identity or photos in clear."""
    problems = unit_keys.check_sealing_keys()
    for problem in problems:
        click.echo(f"NOT READY: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("OK: every province has a key; every denunciation's identity and photos are sealed.")


@identity_cli.command("seal")
def seal_command():
    """Seal the identities and photos of denunciations stored in clear before sealing existed."""
    count, photos = identities.seal_clear_denunciations()
    db.session.commit()  # the photos' clear files are removed once this has committed
    click.echo(f"Sealed the identity of {count} denunciation(s).")
    if photos:
        click.echo(f"Sealed {photos} photo(s) of denunciations; their clear files are removed.")
