"""The audit log as people read it: actions and objects named in Vietnamese, linked, changes as before → after."""

import re
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import AdministrativeUnit, User
from app.accounts.permissions import can_audit_unit, can_edit_user
from app.clock import format_date
from app.extensions import db
from app.feedback.deadlines import ACKNOWLEDGE, CALENDAR_DAYS, RESOLVE, WORKING_DAYS
from app.feedback.kinds import kind_label
from app.feedback.models import DeadlineRule, Feedback, HolidayOverride
from app.feedback.permissions import can_manage_deadline_rules
from app.feedback.states import STATUSES
from app.glossary import (
    AUDIT_ACTION_GROUPS,
    AUDIT_ACTIONS,
    AUDIT_FIELDS,
    AUDIT_OBJECTS,
    ROLES,
    category_label,
    describe_action,
)
from app.inspection.permissions import can_view_audit_item
from app.notices.models import Notice

MODELS = {
    "Notice": Notice,
    "Feedback": Feedback,
    "User": User,
    "AdministrativeUnit": AdministrativeUnit,
    "DeadlineRule": DeadlineRule,
    "HolidayOverride": HolidayOverride,
}
# Keys of `data` that are plumbing (an event's row id, a file's digest), not something a reader checks.
HIDDEN_KEYS = frozenset({"event", "sha256", "before", "after", "fields", "due_dates"})
# What the positions of a list-shaped before/after mean, by action.
LIST_SHAPES = {
    "deadline_rule.updated": ("rule",),  # [amount, unit] read as one period
    "holiday_override.set": ("working_day", "reason"),
    "holiday_override.removed": ("working_day", "reason"),
    "feedback.due_dates_recomputed": ("acknowledge_due", "resolve_due"),
}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUS_CHANGE = re.compile(r"^(?P<before>[a-z_]+) → (?P<after>[a-z_]+)$")


@dataclass
class LogRow:
    """One entry ready for the page: what was done, to what (and where it lives), what changed."""

    entry: object
    action: str
    object_label: str
    object_url: str | None = None
    summary: str = ""
    changes: list = field(default_factory=list)  # (field label, before, after)
    details: list = field(default_factory=list)  # (label, value)


def action_choices():
    """(value, label) of the log's "what" filter: every family of actions, then every known action."""
    groups = [(key, str(label)) for key, label in AUDIT_ACTION_GROUPS.items()]
    actions = sorted(((key, str(label)) for key, label in AUDIT_ACTIONS.items()), key=lambda pair: pair[1])
    return groups + actions


def object_type_choices():
    """(value, label) of the log's object-type filter."""
    return [(key, str(label)) for key, label in AUDIT_OBJECTS.items()]


def _step_label(step):
    return {ACKNOWLEDGE: _("tiếp nhận"), RESOLVE: _("giải quyết")}.get(step, step)


def field_label(name):
    return str(AUDIT_FIELDS.get(name, name.replace("_", " ")))


def _period(amount, unit):
    if unit == WORKING_DAYS:
        return _("%(amount)s ngày làm việc", amount=amount)
    if unit == CALENDAR_DAYS:
        return _("%(amount)s ngày", amount=amount)
    return f"{amount} {unit}"


def readable_value(name, value):
    """A stored value as the log shows it: dates dd/mm/yyyy, yes/no, roles, statuses and kinds by name."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dict):
        if "amount" in value:
            return _period(value.get("amount"), value.get("unit"))
        return ", ".join(f"{field_label(key)}: {readable_value(key, item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(readable_value(name, item) for item in value)
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    labels = {"role": ROLES, "status": STATUSES}.get(name)
    if labels is not None:
        return str(labels.get(value, value))
    if name == "kind":
        return str(kind_label(value))
    if name == "step":
        return str(_step_label(value))
    if name == "category":
        return str(category_label(value))
    return str(value)


def _list_changes(action, before, after):
    names = LIST_SHAPES.get(action)
    before = before if isinstance(before, list) else [None] * len(after or [])
    after = after if isinstance(after, list) else [None] * len(before)
    if names == ("rule",):
        shown = [_period(*pair) if pair and pair[0] is not None else "—" for pair in (before[:2], after[:2])]
        return [(field_label("rule"), *shown)]
    names = names or tuple(f"#{position + 1}" for position in range(max(len(before), len(after))))
    pairs = zip(names, before + [None] * len(names), after + [None] * len(names), strict=False)
    return [(field_label(name), readable_value(name, old), readable_value(name, new)) for name, old, new in pairs]


def changes_of(entry):
    """(field, before, after) rows of an entry's data, whatever shape its service wrote."""
    data = entry.data if isinstance(entry.data, dict) else {}
    before, after = data.get("before"), data.get("after")
    rows = []
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for name in list(before) + [key for key in after if key not in before]:
            rows.append(
                (field_label(name), readable_value(name, before.get(name)), readable_value(name, after.get(name)))
            )
    elif before is not None or after is not None:
        rows.extend(_list_changes(entry.action, before, after))
    for name, pair in (data.get("due_dates") or {}).items():
        if isinstance(pair, list) and len(pair) == 2:
            rows.append((field_label(name), readable_value(name, pair[0]), readable_value(name, pair[1])))
    return rows


def details_of(entry):
    """(label, value) rows of the rest of an entry's data; a list of changed fields by their names."""
    data = entry.data if isinstance(entry.data, dict) else {}
    rows = []
    if data.get("fields"):
        rows.append((_("Mục đã sửa"), ", ".join(field_label(name) for name in data["fields"])))
    for key, value in data.items():
        if (
            key not in HIDDEN_KEYS
            and value is not None
            and not (entry.action.startswith("holiday_override.") and key == "day")
        ):
            rows.append((field_label(key), readable_value(key, value)))
    return rows


def _load_objects(entries):
    """{(object type, id text): object} of every object the page names, one query per type."""
    wanted = {}
    for entry in entries:
        if entry.object_type in MODELS and str(entry.object_id).isdigit():
            wanted.setdefault(entry.object_type, set()).add(int(entry.object_id))
    found = {}
    for object_type, ids in wanted.items():
        model = MODELS[object_type]
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(object_type, str(obj.id))] = obj
    return found


def _describe_object(reader, object_type, object_id, obj):
    """(label, url or None) of the entry's object; a link only to a page the reader may open."""
    kind = str(AUDIT_OBJECTS.get(object_type, object_type))
    if obj is None:
        return _("%(kind)s số %(id)s (không còn)", kind=kind, id=object_id), None
    if object_type == "Notice":
        url = url_for("notices.show_notice", notice_id=obj.id) if obj.status != "draft" else None
        return _("Thông báo «%(title)s»", title=obj.title), url
    if object_type == "Feedback":  # its number, never its tracking code (the submitter's key)
        url = url_for("audit.show_item", item_id=obj.id) if can_view_audit_item(reader, obj) else None
        return _("Hồ sơ số %(id)s", id=obj.id), url
    if object_type == "User":
        url = url_for("accounts.show_user", user_id=obj.id) if can_edit_user(reader, obj) else None
        return _("Tài khoản %(username)s", username=obj.username), url
    if object_type == "AdministrativeUnit":
        url = url_for("audit.show_unit", code=obj.code) if can_audit_unit(reader, obj) else None
        return obj.name, url
    admin_url = url_for("feedback.manage_deadlines") if can_manage_deadline_rules(reader) else None
    if object_type == "DeadlineRule":
        return _("Thời hạn %(kind)s, bước %(step)s", kind=kind_label(obj.kind), step=_step_label(obj.step)), admin_url
    if object_type == "HolidayOverride":
        return _("Ngày %(day)s", day=format_date(obj.day)), admin_url
    return f"{kind} {object_id}", None


def _feedback_summary(entry, obj):
    """A queue item's summary without its tracking code: the status change it names, if any."""
    text = entry.summary or ""
    if obj is not None and text.startswith(f"{obj.tracking_code}: "):
        text = text[len(obj.tracking_code) + 2 :]
    match = _STATUS_CHANGE.match(text)
    if match:
        return (
            field_label("status"),
            readable_value("status", match["before"]),
            readable_value("status", match["after"]),
        )
    return None


def log_rows(reader, entries):
    """The LogRows of a page of entries, as `reader` may follow them."""
    objects = _load_objects(entries)
    rows = []
    for entry in entries:
        obj = objects.get((entry.object_type, str(entry.object_id)))
        label, url = _describe_object(reader, entry.object_type, entry.object_id, obj)
        row = LogRow(entry, str(describe_action(entry.action)), str(label), url)
        row.changes = changes_of(entry)
        row.details = details_of(entry)
        if entry.object_type == "Feedback":
            status_change = _feedback_summary(entry, obj)
            if status_change:
                row.changes.insert(0, status_change)
        elif not (row.changes and "→" in (entry.summary or "")):  # else the summary repeats the changes
            row.summary = entry.summary or ""
        rows.append(row)
    return rows
