"""What the HTTP benchmarks share: the work folder, flask commands, gunicorn, the client and the table.

Imported by notice_pages.py and audit.py (run as scripts, so this folder is on sys.path).
Loopback only: the server binds 127.0.0.1 and the client talks to nothing else.
"""

import http.client
import os
import platform
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BASE_HEADERS = {"User-Agent": "congkhai-benchmark", "Accept-Encoding": "identity", "Connection": "keep-alive"}


@dataclass
class Target:
    name: str
    make_path: object  # rng -> path
    headers: dict = field(default_factory=dict)  # extra request headers (a session cookie, say)


@dataclass
class Measurement:
    latencies: list = field(default_factory=list)  # seconds, every answered request
    sizes: list = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # status code or exception name -> count
    wall: float = 0.0

    @property
    def requests(self):
        return len(self.latencies) + sum(count for key, count in self.errors.items() if isinstance(key, str))


def check_at_least_one(parser, args, names):
    for name in names:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")


def sqlalchemy_url(url):
    """The URL as the app's config reads it (psycopg 3 for PostgreSQL)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def prepare_workdir(database_url, sqlite_folder, reuse):
    """Choose the database URL and the folder for attachments, the search index and the server log.

    Without a database URL: a SQLite file in `$TMPDIR/congkhai-bench/<sqlite_folder>/`, deleted first
    unless `reuse`. With one, the folder is named after the server and database and nothing is dropped.
    """
    base = Path(tempfile.gettempdir()) / "congkhai-bench"
    if database_url:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", database_url.split("@")[-1]).strip("-")
        workdir = base / slug
        url = database_url
    else:
        workdir = base / sqlite_folder
        if workdir.exists() and not reuse:
            shutil.rmtree(workdir)  # our own temporary folder: a fresh database each run
        url = f"sqlite:///{workdir / 'bench.db'}"
    workdir.mkdir(parents=True, exist_ok=True)
    return url, workdir


def database_label(url):
    """The URL without its credentials, for the report."""
    return url.split("://")[0] if "@" not in url else url.split("://")[0] + "://…@" + url.split("@")[-1]


def server_env(url, workdir, args, port):
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "NOTICES_DIR": str(workdir / "notices"),
            "SEARCH_INDEX_DIR": str(workdir / "search_index"),
            "FLASK_CONFIG": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_BASE_URL": f"http://{HOST}:{port}",
            "RATELIMIT_ENABLED": "true" if args.keep_rate_limits else "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_flask(env, *arguments):
    """Run a flask command, echoing its output; return (seconds, output)."""
    command = [sys.executable, "-m", "flask", "--app", "app", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        print(f"    {line.rstrip()}", flush=True)
    if process.wait() != 0:
        raise SystemExit(f"flask {' '.join(arguments)} failed with exit status {process.returncode}")
    return time.perf_counter() - started, "".join(lines)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn in its own process group, stopped with SIGTERM (then SIGKILL) whatever happens."""

    def __init__(self, env, port, args, log_path):
        self.port = port
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
        ]
        if args.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(args.threads)]
        command.append("app:create_app()")
        self._log = open(log_path, "w")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self.process.returncode}; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def fire(port, paths, concurrency, timeout, headers=None):
    """Request every path with `concurrency` threads, each on its own keep-alive connection."""
    work = queue.SimpleQueue()
    for path in paths:
        work.put(path)
    measurement = Measurement()
    lock = threading.Lock()
    headers = {**BASE_HEADERS, **(headers or {})}

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        latencies, sizes, errors = [], [], Counter()
        while True:
            try:
                path = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                connection.close()  # reconnects on the next request
                continue
            latencies.append(time.perf_counter() - started)
            sizes.append(len(body))
            if not 200 <= response.status < 300:
                errors[response.status] += 1
            if response.will_close:
                connection.close()
        connection.close()
        with lock:
            measurement.latencies.extend(latencies)
            measurement.sizes.extend(sizes)
            measurement.errors.update(errors)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measurement.wall = time.perf_counter() - started
    return measurement


def measure(port, targets, args, rng, results):
    """Warm every target up, then measure each in turn, appending (name, Measurement) to `results`.

    Appending as it goes keeps the targets already measured when Ctrl-C stops the run.
    """
    for target in targets:
        paths = [target.make_path(rng) for _ in range(args.warmup)]
        fire(port, paths, args.concurrency, args.timeout, target.headers)
    for target in targets:
        paths = [target.make_path(rng) for _ in range(args.requests)]
        results.append((target.name, fire(port, paths, args.concurrency, args.timeout, target.headers)))
    return results


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def print_table(results):
    header = ("target", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "mean bytes")
    rows = []
    for name, measurement in results:
        latencies = sorted(measurement.latencies)
        errors = sum(measurement.errors.values())
        rate = measurement.requests / measurement.wall if measurement.wall else 0.0
        mean_size = sum(measurement.sizes) / len(measurement.sizes) if measurement.sizes else 0
        rows.append(
            (
                name,
                f"{measurement.requests}",
                f"{errors}",
                f"{rate:.1f}",
                f"{percentile(latencies, 0.50) * 1000:.1f}",
                f"{percentile(latencies, 0.95) * 1000:.1f}",
                f"{percentile(latencies, 0.99) * 1000:.1f}",
                f"{mean_size:,.0f}",
            )
        )
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for number, row in enumerate([header, *rows]):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    failing = [(name, measurement.errors) for name, measurement in results if measurement.errors]
    if failing:
        print("\nErrors (non-2xx status or exception: count):")
        for name, errors in failing:
            print(f"  {name}: " + ", ".join(f"{key}: {count}" for key, count in errors.most_common()))


def git_revision():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_line():
    """Commit, Python and CPU count, for the line above a table."""
    return f"commit {git_revision()}; Python {platform.python_version()}; {os.cpu_count()} CPUs"
