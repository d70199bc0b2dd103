"""The set-up every benchmark shares: options, the work folder and database, flask commands, gunicorn.

Imported by notice_pages.py, audit.py, feedback_load.py, notifications.py, search.py and _load.py (run as
scripts, so this folder is on sys.path). Loopback only: the server binds 127.0.0.1.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


# --- options -----------------------------------------------------------------------------------------


def check_at_least_one(parser, args, names):
    for name in names:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")


def add_load_options(parser, *, requests, concurrency, warmup, timeout, concurrency_note=""):
    """Add the options of a benchmark that serves the app with gunicorn and measures it (`_load.measure`)."""
    parser.add_argument(
        "--requests", type=int, default=requests, help=f"measured requests per target (default {requests})"
    )
    parser.add_argument(
        "--concurrency", type=int, default=concurrency, help=f"client threads (default {concurrency}{concurrency_note})"
    )
    add_server_options(parser)
    parser.add_argument(
        "--warmup", type=int, default=warmup, help=f"unmeasured requests per target first (default {warmup})"
    )
    parser.add_argument(
        "--database-url",
        help="database to use (default: a SQLite file in the temporary directory, recreated unless --reuse)",
    )
    parser.add_argument("--timeout", type=float, default=timeout, help="seconds before a request counts as failed")
    parser.add_argument(
        "--keep-rate-limits", action="store_true", help="leave Flask-Limiter on (default: off, as one client IP)"
    )


def add_server_options(parser, prefix=""):
    """Add --workers and --threads, the shape of the gunicorn `Server` starts."""
    parser.add_argument("--workers", type=int, default=2, help=f"{prefix}gunicorn workers (default 2)")
    parser.add_argument(
        "--threads", type=int, default=1, help=f"{prefix}threads per worker; >1 uses gthread (default 1)"
    )


# --- the work folder and the database ---------------------------------------------------------------


def sqlalchemy_url(url):
    """The URL as the app's config reads it (psycopg 3 for PostgreSQL)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def prepare_workdir(
    database_url,
    sqlite_folder,
    reuse,
    *,
    parent="congkhai-bench",
    database_prefix="",
    database_file="bench.db",
    clear_database_folder=False,
):
    """Choose the database URL and the folder for attachments, the search index and the server log.

    Without a database URL: the SQLite file `database_file` in `$TMPDIR/<parent>/<sqlite_folder>/`,
    deleted first unless `reuse`. With one, the folder is `<database_prefix><server-and-database>` and
    nothing is dropped from the database; the folder is deleted first only if `clear_database_folder`.
    """
    base = Path(tempfile.gettempdir()) / parent
    if database_url:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", database_url.split("@")[-1]).strip("-")
        workdir = base / f"{database_prefix}{slug}"
        url = database_url
        fresh = clear_database_folder
    else:
        workdir = base / sqlite_folder
        url = f"sqlite:///{workdir / database_file}"
        fresh = not reuse
    if fresh and workdir.exists():
        shutil.rmtree(workdir)  # our own temporary folder
    workdir.mkdir(parents=True, exist_ok=True)
    return url, workdir


def database_label(url):
    """The URL without its credentials, for the report."""
    return url.split("://")[0] if "@" not in url else url.split("://")[0] + "://…@" + url.split("@")[-1]


@contextmanager
def connection_to(url, write=False):
    """A connection to the benchmark's database (in a transaction committed at the end if `write`), then disposed."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.begin() if write else engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def count_rows(url, *tables):
    """Return the number of rows of each table, or None if the schema is not there."""
    try:
        with connection_to(url) as connection:
            counts = [text(f"SELECT count(*) FROM {table}") for table in tables]  # noqa: S608  (our own names)
            return tuple(connection.execute(count).scalar() for count in counts)
    except SQLAlchemyError:
        return None


# --- flask commands and gunicorn ---------------------------------------------------------------------


def server_env(url, workdir, port, keep_rate_limits=False):
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "NOTICES_DIR": str(workdir / "notices"),
            "SEARCH_INDEX_DIR": str(workdir / "search_index"),
            "FLASK_CONFIG": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_BASE_URL": f"http://{HOST}:{port}",
            "RATELIMIT_ENABLED": "true" if keep_rate_limits else "false",  # one client IP sends everything
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_flask(env, *arguments, quiet=False):
    """Run a flask command, echoing its output (only on failure if `quiet`); return (seconds, output)."""
    command = [sys.executable, "-m", "flask", "--app", "app", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if not quiet:
            print(f"    {line.rstrip()}", flush=True)
    if process.wait() != 0:
        if quiet:
            sys.stderr.write("".join(lines))
        raise SystemExit(f"flask {' '.join(arguments)} failed with exit status {process.returncode}")
    return time.perf_counter() - started, "".join(lines)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Process:
    """A command in its own process group, its output in `log_path`; stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, command, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


class Server(Process):
    """gunicorn, the way `make run` starts it (the Procfile's `web`)."""

    def __init__(self, env, port, args, log_path):
        self.port = port
        command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"{HOST}:{port}"]
        command += ["--timeout", "120", "--graceful-timeout", "10"]
        if args.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(args.threads)]
        command.append("app:create_app()")
        super().__init__(command, env, log_path)

    def wait_ready(self, path="/", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self.process.returncode}; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", path)
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout} s; see {self.log_path}")


def stop_on_sigterm():
    """Turn SIGTERM into SystemExit, so that a killed run still ends in its `finally` (which stops gunicorn)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# --- the database of a gunicorn benchmark -----------------------------------------------------------


def start_benchmark(args, sqlite_folder, **settings):
    """Choose the database, the work folder and a free port; print which; return (url, workdir, port, env).

    `settings` are extra environment variables for the flask commands and gunicorn.
    """
    url, workdir = prepare_workdir(args.database_url, sqlite_folder, args.reuse)
    port = free_port()
    env = server_env(url, workdir, port, args.keep_rate_limits)
    env.update(settings)
    print(f"Database: {database_label(url)}  ({workdir})")
    return url, workdir, port, env


def migrate_and_seed(url, env, args, wanted, seed_arguments, parts):
    """Migrate, then run `flask seed-demo` unless --reuse finds enough rows already; return whether it seeded.

    `wanted` maps a table to (what its rows are called, how many are wanted); `parts` holds (regular
    expression, phrase) pairs: each phrase is formatted with the groups of its match in the seeder's output.
    """
    print("Migrating: flask db upgrade")
    run_flask(env, "db", "upgrade")
    existing = count_rows(url, *wanted)
    if args.reuse and existing and all(have >= want for have, (_, want) in zip(existing, wanted.values(), strict=True)):
        found = ", ".join(f"{have:,} {label}" for have, (label, _) in zip(existing, wanted.values(), strict=True))
        print(f"Reusing the database: {found}, no seeding")
        return False
    command = ["seed-demo", *seed_arguments, "--seed", str(args.seed)]
    print(f"Seeding: flask {' '.join(command)}")
    seconds, output = run_flask(env, *command)
    found = [phrase.format(*match.groups()) for pattern, phrase in parts if (match := re.search(pattern, output))]
    print(f"Seeding took {seconds:.1f} s in all" + (f" ({'; '.join(found)})" if found else ""))
    return True
