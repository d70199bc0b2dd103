"""What higher layers add to the public notice and unit pages, registered at start-up.

The notices layer knows nothing of the queue or the inspectors' figures; the feedback layer
adds a notice's answered public questions, the inspection layer a unit's response figures.
Each provider returns a dict merged into the page's template context.
"""

_notice_parts = []
_unit_parts = []


def add_notice_part(provider):
    """Register `provider(notice) -> dict` for /notices/<id> (registering twice is harmless)."""
    if provider not in _notice_parts:
        _notice_parts.append(provider)


def add_unit_part(provider):
    """Register `provider(unit) -> dict` for /units/<code> (registering twice is harmless)."""
    if provider not in _unit_parts:
        _unit_parts.append(provider)


def notice_parts(notice):
    """The template context every registered provider adds to the notice page."""
    return _merged(_notice_parts, notice)


def unit_parts(unit):
    """The template context every registered provider adds to the unit page."""
    return _merged(_unit_parts, unit)


def _merged(providers, subject):
    context = {}
    for provider in providers:
        context.update(provider(subject))
    return context
