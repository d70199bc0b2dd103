"""No 500 when the database blinks: a request whose connection drops is run again, a bounded number of times.

A dropped connection (PostgreSQL restarting, a failover, a pooled connection cut by a firewall) or a
SQLite lock that outlived its busy timeout raises an OperationalError. Before commit nothing was
written, so the whole request — before_request hooks, the view, its one transaction — is run again
after a short pause, within DB_RETRY_SECONDS. When the error hits the commit itself, whether it was
written is unknown: the request is run again only if it is idempotent (a read, or a submission to a view
marked `@keyed_submission` carrying a key that view accepts, whose second run finds the first item instead
of making another); otherwise the person gets the "please retry" page, as they do when the database stays
down past the window. That page is drawn without the database (no signed-in user is loaded for it), and a
request run again is not counted again by the rate limits.
"""

import logging
import re
import time

from flask import Flask, current_app, g, has_request_context, request, request_started
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter, Map

from app.errors import error_response
from app.extensions import db, limiter, login_manager

log = logging.getLogger(__name__)
MAX_ROW_ID = 2**31 - 1
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_FIELD = "idempotency_key"
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_\-:.]{8,128}")
_KEY_SOURCE = "idempotency_key_source"  # on a view function: where it reads its key ("header" or "field")
_COMMITTING = "resilience_committing"
_RUN_AGAIN = "congkhai.run_again"  # in the WSGI environ: this request is being run again


class DatabaseUnavailable(Exception):
    """The database did not come back within the retry window (or a commit's outcome is unknown)."""


# SQLite raises OperationalError for schema errors too ("no such column" after a missed migration):
# only these are worth running a request again for.
SQLITE_TRANSIENT = ("database is locked", "database is busy", "disk i/o error", "unable to open database")


def is_connection_error(error):
    """An error that a new connection may not have: a drop, a refused connect, a lock that timed out."""
    if isinstance(error, DisconnectionError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(text in str(error.orig).lower() for text in SQLITE_TRANSIENT)
    return True  # psycopg: OperationalError is a connection's failure (schema errors are ProgrammingError)


@event.listens_for(Session, "before_commit")
def _mark_commit(session):
    session.info[_COMMITTING] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _unmark_commit(session, *args):
    session.info.pop(_COMMITTING, None)


def idempotency_key_or_none(value):
    """A well-formed idempotency key, or None (a mangled one only loses the double-click protection)."""
    value = (value or "").strip()
    return value if IDEMPOTENCY_KEY.fullmatch(value) else None


def keyed_submission(source):
    """Mark a view that makes one item per idempotency key, read from the `Idempotency-Key` header
    (`source="header"`) or the form's `idempotency_key` field (`"field"`): a second run of it finds the first
    item, so it may be run again after a commit whose outcome is unknown. Put it next to the route."""

    def mark(view):
        setattr(view, _KEY_SOURCE, source)
        return view

    return mark


def _is_idempotent():
    """A read, or a submission that a second run cannot make twice: its view reads a key (`keyed_submission`)
    and the key it reads is one the view keeps. A key the view throws away (malformed) or never reads (a header
    sent to the page, a field sent to the API) protects nothing."""
    if request.method in SAFE_METHODS:
        return True
    source = getattr(current_app.view_functions.get(request.endpoint), _KEY_SOURCE, None)
    if source == "header":
        return idempotency_key_or_none(request.headers.get(IDEMPOTENCY_HEADER)) is not None
    if source == "field":
        return idempotency_key_or_none(request.form.get(IDEMPOTENCY_FIELD)) is not None
    return False


class RowIdConverter(IntegerConverter):
    """`<int:…>` in a URL: at most 2**31 - 1, so an id past PostgreSQL's integer is a 404, never a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


class ResilientFlask(Flask):
    """Flask whose request dispatch survives a database that blinks (see the module's docstring).

    Its `int` URL converter stops at the largest row id (RowIdConverter).
    """

    url_map_class = type("RowIdMap", (Map,), {"default_converters": {**Map.default_converters, "int": RowIdConverter}})

    def full_dispatch_request(self):
        # Flask's own, with the hooks and the view run through `_dispatch_with_retries`.
        self._got_first_request = True
        try:
            request_started.send(self, _async_wrapper=self.ensure_sync)
            response = self._dispatch_with_retries()
        except Exception as error:
            response = self.handle_user_exception(error)
        return self.finalize_request(response)

    def _dispatch_with_retries(self):
        window = self.config.get("DB_RETRY_SECONDS", 0)
        started, pause = time.monotonic(), 0.05
        while True:
            try:
                response = self.preprocess_request()
                return self.dispatch_request() if response is None else response
            except Exception as error:  # only connection errors are retried; the rest goes on as before
                if not is_connection_error(error):
                    raise
                committing = db.session.info.pop(_COMMITTING, False)
                _discard_session()
                if committing and not _is_idempotent():
                    log.warning("Connection lost during the commit of %s %s", request.method, request.path)
                    raise DatabaseUnavailable() from error
                if time.monotonic() - started + pause > window:
                    raise DatabaseUnavailable() from error
                log.warning("Database connection lost on %s %s; running it again", request.method, request.path)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
                g.__dict__.clear()  # what the failed run cached (the signed-in user, the locale …)
                request.environ[_RUN_AGAIN] = True
                _rewind_uploads()


def _rewind_uploads():
    """The uploaded files, back at their start: the failed run read them (a citizen's photos), the next one
    reads them again, or would find them empty."""
    for upload in request.files.values():
        if upload.stream.seekable():
            upload.stream.seek(0)


@limiter.request_filter
def _counted_already():
    """The rate limits counted this request on its first run: running it again is not another request."""
    return has_request_context() and request.environ.get(_RUN_AGAIN, False)


def _discard_session():
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        log.debug("Rollback after a lost connection failed", exc_info=True)
    db.session.remove()


def init_resilience(app):
    @app.teardown_appcontext
    def _close_session(_error=None):
        """Close the session as Flask-SQLAlchemy does (it runs after this), except that a connection lost after
        the answer was made (the database restarting between the commit and the end of the request) is dropped
        instead of turning a committed request into a 500."""
        try:
            db.session.remove()
        except Exception as error:
            if not is_connection_error(error):
                raise
            log.warning("Database connection lost while closing the session; the connection is discarded")
            db.session.registry.clear()

    @app.errorhandler(DatabaseUnavailable)
    def _unavailable(error):
        _discard_session()
        # The page is drawn without the database, so as for no one signed in: loading the user the session
        # names would fail again, and one a failed run loaded went with its session (Flask-Login keeps it in g).
        g._login_user = login_manager.anonymous_user()
        body, _status = error_response(
            503,
            _(
                "Hệ thống đang bận hoặc tạm gián đoạn kết nối cơ sở dữ liệu. Vui lòng thử lại sau ít phút; "
                "nếu bạn vừa gửi ý kiến, hãy gửi lại: hệ thống nhận ra lần gửi trùng và không tạo thêm."
            ),
        )
        return body, 503, {"Retry-After": "5"}
