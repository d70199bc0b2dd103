"""The SMS that carries a one-time code, as the outbox renders and sends it.

The code travels in the notification's encrypted part; a code already used or expired when the worker
gets to it is not sent; once sent, the number and the code are erased from the outbox row.
"""

from flask_babel import gettext as _

from app.clock import utcnow
from app.consultations.models import VerificationCode
from app.extensions import db
from app.outbox.messages import Message, register_template
from app.outbox.queue import erase_recipient

CODE_TEMPLATE = "consultation.code"


def render_code(payload, language):
    text = _(
        "Công khai: mã xác nhận góp ý của bạn là %(code)s, có hiệu lực 10 phút. Không đưa mã này cho người khác.",
        code=payload.get("code", ""),
    )
    return Message(subject=_("Mã xác nhận góp ý"), text=text, short=text)


def is_code_wanted(notification, payload):
    """Send only a code still usable: not used, not expired."""
    row = db.session.get(VerificationCode, payload.get("code_id") or 0)
    return row is not None and row.used_at is None and row.expires_at > utcnow()


def forget_code(notification, payload):
    """Once delivered, or never to be (expired or used meanwhile, failed for good), the outbox keeps neither
    the number nor the code."""
    erase_recipient([notification])


def register_consultation_templates():
    register_template(
        CODE_TEMPLATE, render_code, is_wanted=is_code_wanted, on_sent=forget_code, on_given_up=forget_code
    )
