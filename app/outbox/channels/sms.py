"""SMS behind one small interface: `log` (a line in OUTBOX_DIR/sms.log) or `http` (a gateway's JSON API).

Whatever the backend, the text is `message.short` folded to unaccented GSM-7 and cut to one SMS
(160 characters), and the number is checked and written in E.164 (+84…).
"""

import os
from pathlib import Path

from app.clock import to_local, utcnow
from app.outbox.channels.errors import DeliveryError
from app.outbox.channels.folding import sms_text
from app.outbox.channels.http import post_json
from app.outbox.masking import mask_phone
from app.phones import InvalidPhoneNumber, to_e164

try:
    import fcntl
except ImportError:  # not on POSIX: the single O_APPEND write still keeps lines whole
    fcntl = None

LOG_NAME = "sms.log"


def e164(recipient, service="sms"):
    """The recipient as an E.164 Vietnamese number, or DeliveryError."""
    try:
        return to_e164(recipient)
    except InvalidPhoneNumber:
        raise DeliveryError(f"{service}: the recipient is not a valid phone number") from None


def append_line(path, line):
    """Append one line to `path` in a single write under an exclusive lock (workers never interleave)."""
    data = (line.replace("\n", " ") + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.write(descriptor, data)
    finally:
        os.close(descriptor)  # closing releases the lock


class LogSms:
    """The development backend: `<local ISO time>\\t<E.164 number, or masked>\\t<text>` in sms.log."""

    def __init__(self, config):
        self.path = Path(config["OUTBOX_DIR"]) / LOG_NAME

    def submit(self, number, text, message, notification):
        shown = mask_phone(number) if message.mask_recipient else number
        moment = to_local(utcnow()).isoformat(timespec="seconds")
        try:
            append_line(self.path, f"{moment}\t{shown}\t{text}")
        except OSError as error:
            raise DeliveryError(f"sms: cannot write {LOG_NAME} ({error.strerror or error})") from None


class HttpSms:
    """A gateway's JSON API: POST {"to", "text", "reference"} with `Authorization: Bearer <token>`."""

    def __init__(self, config):
        self.url = config.get("SMS_GATEWAY_URL") or ""
        self.token = config.get("SMS_GATEWAY_TOKEN") or ""
        self.timeout = float(config.get("GATEWAY_TIMEOUT") or 10)

    def submit(self, number, text, message, notification):
        notification_id = getattr(notification, "id", None)
        body = {"to": number, "text": text, "reference": "" if notification_id is None else str(notification_id)}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        post_json("sms", self.url, body, headers, self.timeout)


BACKENDS = {"log": LogSms, "http": HttpSms}


class SmsChannel:
    """Send SMS with the current app's SMS_* settings."""

    name = "sms"

    def __init__(self, config):
        backend = (config.get("SMS_BACKEND") or "log").strip().lower()
        if backend not in BACKENDS:
            raise DeliveryError(f"sms: unknown SMS_BACKEND {backend!r} (log or http)")
        self.backend = BACKENDS[backend](config)

    def send(self, recipient, message, notification):
        number = e164(recipient)
        text = sms_text(message.short or message.subject)
        if not text:
            raise DeliveryError("sms: the message is empty")
        self.backend.submit(number, text, message, notification)
