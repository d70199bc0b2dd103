"""How search follows the notices layer below it; connected by the app factory at start-up."""

from app import effects
from app.notices.signals import notice_changed
from app.search import changes, services


def _follow_notice(notice, **_extra):
    services.notice_changed(notice)


def register_search_hooks(app):
    """Log every notice change for the index in its transaction; apply the log after commit."""
    notice_changed.connect(_follow_notice)
    effects.after_commit(changes.EFFECT, services.apply_committed)
