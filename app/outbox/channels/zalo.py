"""Zalo: a template message through Zalo's notification service (ZNS), JSON with an access token.

The request has ZNS's shape — {"phone": "84…", "template_id", "template_data", "tracking_id"} — and
Zalo answers HTTP 200 with {"error": 0, …} when it took the message; any other error code fails the
delivery, and the outbox falls back to the notification's fallback channel (SMS).
"""

from app.outbox.channels.errors import DeliveryError
from app.outbox.channels.http import post_json
from app.outbox.channels.sms import e164
from app.outbox.masking import redact_numbers


class ZaloChannel:
    """Send ZNS messages with the current app's ZALO_ZNS_URL and ZALO_ZNS_TOKEN."""

    name = "zalo"

    def __init__(self, config):
        self.url = config.get("ZALO_ZNS_URL") or ""
        self.token = config.get("ZALO_ZNS_TOKEN") or ""
        self.timeout = float(config.get("GATEWAY_TIMEOUT") or 10)

    def send(self, recipient, message, notification):
        phone = e164(recipient, "zalo").removeprefix("+")
        notification_id = getattr(notification, "id", None)
        body = {
            "phone": phone,
            "template_id": getattr(notification, "template", "") or "",
            "template_data": dict(message.data) if message.data else {"message": message.short},
            "tracking_id": "" if notification_id is None else str(notification_id),
        }
        answer = post_json("zalo", self.url, body, {"access_token": self.token}, self.timeout)
        if not isinstance(answer, dict) or "error" not in answer:
            raise DeliveryError("zalo: the answer is not ZNS JSON")
        if answer["error"] != 0:
            said = redact_numbers(" ".join(str(answer.get("message") or "").split()))[:200]
            raise DeliveryError(f"zalo: error {answer['error']}" + (f" ({said})" if said else ""))
