"""What each notification says: every domain registers a renderer for its templates at start-up.

A renderer takes (payload, language) — the public payload merged with the decrypted private part — and
returns a Message. `is_wanted(notification, payload)` (optional) is asked just before sending: False
suppresses it (the citizen unsubscribed, the item was erased). `on_sent` (optional) runs after a
successful delivery (erase a denouncer's address once the closing message went out); `on_given_up`
(optional) once the row will never be sent: suppressed, or failed with no try left. `preload(payloads)`
(optional) loads in one query the rows that `is_wanted` and the renderer of a batch's payloads will read,
and returns them (the caller keeps them until the batch is rendered: the session holds rows weakly).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    subject: str  # e-mail subject
    text: str  # the plain-text body of an e-mail
    short: str  # SMS and Zalo: one short text (folded to unaccented GSM-7 for SMS by the channel)
    html: str | None = None  # an HTML alternative of the e-mail
    unsubscribe_url: str | None = None  # List-Unsubscribe, and the link at the foot
    data: dict = field(default_factory=dict)  # Zalo's template fields ({"code": …, "status": …})
    mask_recipient: bool = False  # the development outbox writes the address masked (a denouncer's)


@dataclass(frozen=True)
class Template:
    render: object
    is_wanted: object = None
    on_sent: object = None
    preload: object = None
    on_given_up: object = None


_templates = {}


def register_template(name, render, is_wanted=None, on_sent=None, preload=None, on_given_up=None):
    """Register how the notifications named `name` are written (registering again replaces it)."""
    _templates[name] = Template(render, is_wanted, on_sent, preload, on_given_up)


def template(name):
    """The registered Template, or KeyError."""
    return _templates[name]


def registered_templates():
    return sorted(_templates)
