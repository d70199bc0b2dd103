"""Delivery channels: e-mail, SMS and Zalo behind one interface (`get_channel(name).send(...)`).

`send(recipient, message, notification)` delivers one app.outbox.messages.Message to one recipient (an
e-mail address or an E.164 number) for one Notification row, or raises DeliveryError with a short
reason that never holds the address. Each channel is configured from the current app when it is asked for.
"""

from flask import current_app

from app.outbox.channels.errors import DeliveryError
from app.outbox.channels.mail import EmailChannel, shared_connections
from app.outbox.channels.sms import SmsChannel
from app.outbox.channels.zalo import ZaloChannel

CHANNEL_CLASSES = {"email": EmailChannel, "sms": SmsChannel, "zalo": ZaloChannel}


def get_channel(name):
    """The channel named `name` ("email", "sms", "zalo"), configured from the current app."""
    if name not in CHANNEL_CLASSES:
        raise DeliveryError(f"unknown channel {name!r}")
    return CHANNEL_CLASSES[name](current_app.config)


__all__ = ["DeliveryError", "get_channel", "shared_connections"]
