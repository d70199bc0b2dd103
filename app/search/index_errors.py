"""What can go wrong with this node's index, as the rest of app/search sees it."""


class IndexUnavailable(Exception):
    """The index is missing, outdated or unreadable."""


class IndexBusy(Exception):
    """Another process held the index writer for longer than the timeout."""
