"""The one clock: store UTC, show Asia/Ho_Chi_Minh."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow():
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def local_today():
    """Return today's date in Vietnam (what "today" means for posting periods)."""
    return datetime.now(LOCAL_TZ).date()


def to_local(moment):
    """Convert a stored UTC datetime (aware, or naive from SQLite) to Vietnam time."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ)


def format_date(value):
    """Format a date or datetime as dd/mm/yyyy (datetimes in Vietnam time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value):
    """Format a datetime as HH:MM dd/mm/yyyy in Vietnam time."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def parse_iso_date(text):
    """Parse YYYY-MM-DD; return None for empty text, raise ValueError otherwise."""
    if text is None or str(text).strip() == "":
        return None
    return date.fromisoformat(str(text).strip())
