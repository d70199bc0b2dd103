"""The queue item's state machine: which action may follow which status.

Services call `next_status` before every change, so an illegal transition is impossible
in the service layer, not merely hidden in the UI.
"""

from flask_babel import lazy_gettext as _l

STATUSES = {
    "received": _l("Đã tiếp nhận"),
    "accepted": _l("Đã thụ lý"),
    "waiting_for_citizen": _l("Chờ người gửi bổ sung thông tin"),
    "answered": _l("Đã trả lời"),
    "closed": _l("Đã kết thúc"),
    "rejected": _l("Không thụ lý"),
    "forwarded": _l("Đã chuyển cơ quan khác"),
    "reopened": _l("Mở lại"),
}
OPEN_STATUSES = frozenset({"received", "accepted", "waiting_for_citizen", "reopened"})

# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS = {
    "acknowledge": ({"received", "reopened"}, "accepted"),
    "reject": ({"received", "accepted", "reopened"}, "rejected"),
    "request_information": ({"received", "accepted", "reopened"}, "waiting_for_citizen"),
    "receive_information": ({"waiting_for_citizen"}, "accepted"),
    "reply": ({"received", "accepted", "reopened"}, "answered"),
    "forward_internal": ({"received", "accepted", "reopened"}, "received"),
    "forward_external": ({"received", "accepted", "reopened"}, "forwarded"),
    "extend": ({"received", "accepted"}, None),  # received: a denunciation's acceptance period
    "close": ({"answered", "rejected", "forwarded"}, "closed"),
    "reopen": ({"answered", "closed"}, "reopened"),
    "assign": (set(OPEN_STATUSES), None),  # give the item to an official of its unit to handle
    "note": (set(STATUSES), None),
    "rate": ({"answered", "closed"}, None),
}


class IllegalTransition(Exception):
    """The action is not allowed from the item's current status."""

    def __init__(self, action, status):
        super().__init__(f"{action} is not allowed from {status}")
        self.action = action
        self.status = status


def next_status(status, action):
    """Return the status after `action`, or raise IllegalTransition."""
    allowed_from, target = TRANSITIONS[action]
    if status not in allowed_from:
        raise IllegalTransition(action, status)
    return status if target is None else target


def allowed_actions(status):
    """Return the actions possible from `status` (for showing buttons)."""
    return [action for action, (allowed_from, _) in TRANSITIONS.items() if status in allowed_from]
