"""What the notices layer announces; higher layers (search, …) connect at start-up.

Sent synchronously inside the service call, so a receiver's rows join the change's transaction.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Notice whose public content changed (published, corrected, withdrawn, attachments).
notice_changed = _signals.signal("notice-changed")
