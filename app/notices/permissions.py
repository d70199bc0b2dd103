"""Permission functions for notices, used by views and by templates."""

from app.accounts.permissions import can_audit_unit, can_manage_unit, can_use_manage_area


def can_use_notice_management(user):
    """The notice management area (/manage/): staff write, inspectors read."""
    return can_use_manage_area(user) or can_audit_unit(user, getattr(user, "unit", None))


def can_view_notice(user, notice):
    """Citizens read published and withdrawn notices; drafts only their unit's staff."""
    return notice.is_public or can_manage_unit(user, notice.unit)


def can_create_notice(user, unit):
    """Staff create notices for units in their subtree."""
    return can_manage_unit(user, unit)


def can_edit_notice(user, notice):
    """Drafts are edited in place by the unit's staff."""
    return notice.status == "draft" and can_manage_unit(user, notice.unit)


def can_publish_notice(user, notice):
    """A draft is published by the unit's staff."""
    return notice.status == "draft" and can_manage_unit(user, notice.unit)


def can_correct_notice(user, notice):
    """A published notice is corrected (new version) by the unit's staff."""
    return notice.status == "published" and can_manage_unit(user, notice.unit)


def can_withdraw_notice(user, notice):
    """A published notice is withdrawn by the unit's staff."""
    return notice.status == "published" and can_manage_unit(user, notice.unit)


def can_delete_notice(user, notice):
    """Only a draft never published can be deleted."""
    return notice.status == "draft" and can_manage_unit(user, notice.unit)


def can_change_attachments(user, notice):
    """Files are added or removed while a draft is edited or a published notice is corrected."""
    return can_edit_notice(user, notice) or can_correct_notice(user, notice)
