"""The one error every channel raises."""


class DeliveryError(Exception):
    """The channel could not deliver; the message says why (kept on the row as its last error).

    The reason is shown to officials on the outbox page: it never holds the recipient's address.
    """
