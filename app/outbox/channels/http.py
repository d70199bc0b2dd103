"""POST JSON to a gateway (SMS, Zalo) with the standard library; every failure becomes a DeliveryError."""

import json
import urllib.error
import urllib.request

from app.outbox.channels.errors import DeliveryError
from app.outbox.masking import redact_numbers

USER_AGENT = "CongKhai-Outbox/1.0"


def post_json(service, url, body, headers, timeout):
    """POST `body` as JSON to `url`; return the answer's JSON (None when it is not JSON).

    Raise DeliveryError (naming `service`) when the URL is missing, the gateway cannot be reached or
    does not answer within `timeout` seconds, or answers with a status other than 2xx.
    """
    if not url:
        raise DeliveryError(f"{service}: no gateway URL is configured")
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"{service}: the gateway URL must start with http:// or https://")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **headers,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{service}: the gateway answered HTTP {error.code}") from None
    except TimeoutError:
        raise DeliveryError(f"{service}: the gateway did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DeliveryError(f"{service}: the gateway did not answer within {timeout:g} s") from None
        raise DeliveryError(f"{service}: the gateway cannot be reached ({_reason(error.reason)})") from None
    except (OSError, ValueError) as error:
        raise DeliveryError(f"{service}: {_reason(error)}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"{service}: the gateway answered HTTP {status}")
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except ValueError:
        return None


def _reason(error):
    text = str(error) or error.__class__.__name__
    return redact_numbers(text)[:200]
