"""E-mail: over SMTP when MAIL_SERVER is set, otherwise an .eml file in OUTBOX_DIR (the demo's outbox).

Each mail has a plain-text part and, when the template wrote one, an HTML alternative; headers are
encoded for any mail server (RFC 2047 for Vietnamese subjects and names) and carry a Message-ID, the
one-click unsubscribe headers (RFC 8058) and `X-Congkhai-Notification: <id>`. A denouncer's address
(`message.mask_recipient`) is written masked in the development outbox, never in clear.

Within `shared_connections()` (the worker's batches) mails to one server share one SMTP connection:
a batch of fifty receipts costs one TCP and TLS handshake and one login, not fifty.
"""

import os
import smtplib
import ssl
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from email.charset import BASE64, Charset
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from secrets import token_hex

from app.clock import to_local, utcnow
from app.outbox.channels.errors import DeliveryError
from app.outbox.masking import mask_email


class MailPolicy(type(compat32)):
    """The legacy policy, except that a header without spaces (a link, a message id) is never cut: the
    cut could only move it to a line of its own, which some readers keep as a leading space."""

    def _whole(self, name, value):
        if isinstance(value, str) and value.isascii() and value.isprintable() and " " not in value:
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name, value):
        return self._whole(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        whole = self._whole(name, value)
        return whole.encode("ascii") if whole else super().fold_binary(name, value)


MAIL_POLICY = MailPolicy()

# Bodies in UTF-8: base64 for a mail server, 8-bit for the development outbox's files.
_SAFE = Charset("utf-8")
_SAFE.body_encoding = BASE64
_READABLE = Charset("utf-8")
_READABLE.body_encoding = None

SMTPS_PORT = 465
# Refusals after which smtplib has reset the transaction (RSET): the connection can carry the next mail.
RESET_AFTER = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)

_shared = ContextVar("smtp_connections", default=None)  # {settings: open connection} within a batch


@contextmanager
def shared_connections():
    """Within this block, mails to the same server go over one connection, opened for the first mail and
    closed (QUIT) when the block ends."""
    connections = {}
    token = _shared.set(connections)
    try:
        yield
    finally:
        _shared.reset(token)
        for connection in connections.values():
            _close(connection)


def _close(connection):
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def _one_line(text):
    return " ".join((text or "").split())


def _check_address(recipient):
    try:
        address = Address(addr_spec=(recipient or "").strip())
    except (ValueError, IndexError, HeaderParseError):
        raise DeliveryError("email: the recipient is not an e-mail address") from None
    if not address.username or "." not in address.domain:
        raise DeliveryError("email: the recipient is not an e-mail address")
    return address.addr_spec


def _header(name, text):
    """A header value: as is in ASCII, RFC 2047-encoded (folded by the generator) otherwise."""
    return text if text.isascii() else Header(text, "utf-8", header_name=name)


def _part(text, subtype, readable):
    return MIMEText(text, subtype, _READABLE if readable else _SAFE, policy=MAIL_POLICY)


def build_mail(recipient, message, notification, sender, masked=False, readable=False):
    """The mail for `message` to `recipient` (the To header masked when `masked`).

    `readable`: the bodies are written as 8-bit UTF-8, not base64, so a development outbox file reads
    as plain Vietnamese text in any pager (a mail server gets the safe base64). Built with the email
    package's legacy classes, with the same headers and parts as EmailMessage in a fifth of the time
    (0.5 ms against 2.3 ms per mail, measured: EmailMessage parses and folds every header it is given).
    """
    notification_id = getattr(notification, "id", None)
    sender_name, sender_address = parseaddr(sender)
    sender_address = sender_address or "no-reply@congkhai.local"
    if message.html:
        mail = MIMEMultipart("alternative", policy=MAIL_POLICY)
        mail.attach(_part(message.text or "", "plain", readable))
        mail.attach(_part(message.html, "html", readable))
    else:
        mail = _part(message.text or "", "plain", readable)
    mail["Subject"] = _header("Subject", _one_line(message.subject))
    mail["From"] = formataddr((sender_name, sender_address), charset="utf-8")
    mail["To"] = mask_email(recipient) if masked else recipient
    mail["Date"] = format_datetime(to_local(utcnow()))
    mail["Message-ID"] = make_msgid(
        idstring=None if notification_id is None else f"n{notification_id}",
        domain=sender_address.rpartition("@")[2] or "congkhai.local",  # never the slow getfqdn()
    )
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    if notification_id is not None:
        mail["X-Congkhai-Notification"] = str(notification_id)
    if message.unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{_one_line(message.unsubscribe_url)}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return mail


def write_eml(directory, mail, notification_id):
    """Write `mail` into `directory` atomically (a temporary file renamed); return its path."""
    folder = Path(directory)
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"{stamp}-{notification_id if notification_id is not None else 'mail'}-{token_hex(3)}.eml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(mail.as_bytes())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise DeliveryError(f"email: cannot write to the outbox folder ({error.strerror or error})") from None
    return path


def _smtp_reason(error, recipient):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        return f"the server refused the recipient ({', '.join(map(str, codes))})"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        reason = f"{error.smtp_code} {_one_line(str(text))}"
    elif isinstance(error, TimeoutError):
        reason = "the server did not answer in time"
    else:
        reason = _one_line(str(error)) or error.__class__.__name__
    return reason.replace(recipient, mask_email(recipient))[:300]


class EmailChannel:
    """Send e-mail with the current app's MAIL_* settings."""

    name = "email"

    def __init__(self, config):
        self.config = config

    def send(self, recipient, message, notification):
        address = _check_address(recipient)
        sender = self.config.get("MAIL_DEFAULT_SENDER") or "Công khai <no-reply@congkhai.local>"
        if not self.config.get("MAIL_SERVER"):
            mail = build_mail(address, message, notification, sender, masked=message.mask_recipient, readable=True)
            return write_eml(self.config["OUTBOX_DIR"], mail, getattr(notification, "id", None))
        mail = build_mail(address, message, notification, sender)
        try:
            self._submit(mail, parseaddr(sender)[1], address)
        except (smtplib.SMTPException, OSError, UnicodeError, ValueError) as error:
            raise DeliveryError(f"email: {_smtp_reason(error, address)}") from None
        return None

    def _settings(self):
        config = self.config
        return (
            config["MAIL_SERVER"],
            int(config.get("MAIL_PORT") or 25),
            float(config.get("MAIL_TIMEOUT") or 10),
            bool(config.get("MAIL_USE_TLS")),
            config.get("MAIL_USERNAME") or "",
            config.get("MAIL_PASSWORD") or "",
        )

    def _submit(self, mail, envelope_from, address):
        settings = self._settings()
        connections = _shared.get()
        if connections is None:  # a mail on its own: a connection of its own
            with _connect(settings) as connection:
                connection.send_message(mail, from_addr=envelope_from, to_addrs=[address])
            return
        kept = connections.pop(settings, None)
        if kept is not None:
            try:
                _send_keeping(connections, settings, kept, mail, envelope_from, address)
                return
            except RESET_AFTER:
                raise
            except OSError:  # smtplib's errors too: the kept connection is gone (an idle timeout, a restart)
                pass  # this mail takes a new one
        _send_keeping(connections, settings, _connect(settings), mail, envelope_from, address)


def _send_keeping(connections, settings, connection, mail, envelope_from, address):
    """Send over `connection`, then keep it for the next mail if it can carry one; close it otherwise."""
    try:
        connection.send_message(mail, from_addr=envelope_from, to_addrs=[address])
    except RESET_AFTER:  # refused, and smtplib reset the transaction: the connection is still good
        connections[settings] = connection
        raise
    except BaseException:
        connection.close()
        raise
    connections[settings] = connection


def _connect(settings):
    """An SMTP connection, encrypted (SMTPS on port 465, STARTTLS otherwise) and logged in as configured."""
    host, port, timeout, use_tls, username, password = settings
    if use_tls and port == SMTPS_PORT:  # implicit TLS (SMTPS)
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if use_tls and port != SMTPS_PORT:
            connection.starttls(context=ssl.create_default_context())
        if username:
            connection.login(username, password)
    except BaseException:
        connection.close()
        raise
    return connection
