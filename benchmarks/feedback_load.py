#!/usr/bin/env python
"""Load test of the citizens' queue: many concurrent submissions, then every tracking code checked.

Sends N submissions to POST /api/v1/feedback (mixed kinds, each with the identity its kind needs,
communes drawn from GET /api/v1/units?parent=24) from C concurrent clients (threads, each on its own
keep-alive http.client connection), records status codes and latencies, then GETs
/api/v1/feedback/<code> for every code returned and checks that it resolves to the same kind and
unit. Prints submissions, errors, lost codes, throughput and p50/p95/p99 latencies; exits non-zero
if any request failed or any code was lost.

    RATELIMIT_ENABLED=false make run                  # in one terminal (rate limits off for one client IP)
    .venv/bin/python benchmarks/feedback_load.py      # in another: 2,000 submissions, 50 clients

    # Or let the script start its own gunicorn (as `make run` does) on a fresh database:
    .venv/bin/python benchmarks/feedback_load.py --start
    .venv/bin/python benchmarks/feedback_load.py --start --database-url postgresql://postgres@127.0.0.1:5432/load

Loopback only: the client talks to 127.0.0.1/localhost and nothing else; the numbers are bounded.
"""

import argparse
import http.client
import ipaddress
import json
import os
import queue
import random
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MAX_SUBMISSIONS = 200_000
MAX_CONCURRENCY = 256
KINDS = ("question", "petition", "information_request", "complaint", "denunciation")
KIND_WEIGHTS = (35, 35, 10, 15, 5)
FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN_NAMES = ("Văn An", "Thị Bình", "Đức Cường", "Thị Dung", "Minh Hải", "Thu Hà", "Quang Huy", "Thị Lan")
VILLAGES = ("thôn Đồng Đình", "thôn Trại", "tổ dân phố Hòa Bình", "thôn Chùa", "thôn Đông", "xóm Mới")
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "035", "038", "086", "088")
TEXTS = (
    "Đèn chiếu sáng đường liên thôn bị hỏng đã hai tuần, buổi tối rất tối và nguy hiểm.",
    "Xin hỏi kế hoạch thu hồi đất mở rộng đường có ảnh hưởng đến nhà tôi ở {village} không?",
    "Cống thoát nước trước nhà văn hóa {village} bị tắc, nước ngập khi mưa.",
    "Đề nghị xã công khai danh sách hộ được hỗ trợ làm nhà năm nay.",
    "Tôi không đồng ý với mức bồi thường đất nông nghiệp của gia đình tại {village}.",
    "Đề nghị cung cấp bản đồ quy hoạch sử dụng đất của xã giai đoạn 2021–2030.",
)


@dataclass
class Phase:
    """What one phase measured: latencies of answered requests, and failures by cause."""

    latencies: list = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # status code or exception name -> count
    samples: list = field(default_factory=list)  # a few failing bodies, to show what went wrong
    wall: float = 0.0

    @property
    def requests(self):
        return len(self.latencies) + sum(count for key, count in self.errors.items() if isinstance(key, str))

    @property
    def error_count(self):
        return sum(self.errors.values())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="server to test (loopback only)")
    parser.add_argument("--submissions", type=int, default=2000, help="submissions to send (default 2000)")
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a request counts as failed")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the submission mix")
    parser.add_argument("--start", action="store_true", help="start a gunicorn of our own (as `make run` does)")
    parser.add_argument(
        "--database-url",
        help="with --start: the database (default: a fresh SQLite file in the temporary directory)",
    )
    parser.add_argument("--workers", type=int, default=2, help="with --start: gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="with --start: threads per worker (default 1)")
    args = parser.parse_args(argv)
    if not 1 <= args.submissions <= MAX_SUBMISSIONS:
        parser.error(f"--submissions must be between 1 and {MAX_SUBMISSIONS}")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    if args.database_url and not args.start:
        parser.error("--database-url needs --start")
    return args


def loopback_address(base_url):
    """Return (host, port) of a loopback base URL, or stop: this script never leaves the machine."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.scheme != "http":
        raise SystemExit("--base-url must be http://127.0.0.1:<port> (or localhost)")
    try:
        is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        raise SystemExit(f"refusing {base_url}: the load test only talks to this machine (127.0.0.1, localhost)")
    return host, parts.port or 80


# --- our own server ---------------------------------------------------------------------------------


def sqlalchemy_free_url(url):
    """Hide the password of a database URL for printing."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:…@", url)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def prepare_workdir(args):
    base = Path(tempfile.gettempdir()) / "congkhai-feedback-load"
    if args.database_url:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", args.database_url.split("@")[-1]).strip("-")
        workdir = base / slug
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        return args.database_url, workdir
    workdir = base / "sqlite"
    if workdir.exists():
        shutil.rmtree(workdir)  # our own temporary folder: a fresh database each run
    workdir.mkdir(parents=True)
    return f"sqlite:///{workdir / 'load.db'}", workdir


def server_env(url, workdir, port):
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "NOTICES_DIR": str(workdir / "notices"),
            "SEARCH_INDEX_DIR": str(workdir / "search_index"),
            "FLASK_CONFIG": "production",
            "SESSION_COOKIE_SECURE": "false",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_BASE_URL": f"http://{HOST}:{port}",
            "RATELIMIT_ENABLED": "false",  # one client IP sends everything
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_flask(env, *arguments):
    command = [sys.executable, "-m", "flask", "--app", "app", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"flask {' '.join(arguments)} failed with exit status {result.returncode}")
    return result.stdout


class Server:
    """gunicorn in its own process group, the way `make run` starts it; stopped whatever happens."""

    def __init__(self, env, port, args, log_path):
        self.port = port
        self.log_path = log_path
        command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"{HOST}:{port}"]
        if args.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(args.threads)]
        command += ["--timeout", "120", "--graceful-timeout", "10", "app:create_app()"]
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
                connection.request("GET", "/api/v1/units?parent=24")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


# --- the client -------------------------------------------------------------------------------------


def get_json(host, port, path, timeout):
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


def commune_codes(host, port, timeout):
    items = get_json(host, port, "/api/v1/units?parent=24", timeout)["items"]
    codes = [item["code"] for item in items if item["kind"] in ("commune", "ward", "special_zone")]
    if not codes:
        raise SystemExit("no communes under province 24: load the units first (flask units load)")
    return codes


def make_submission(number, seed, communes):
    """The number-th submission of the mix: a kind, a commune, a text and the identity the kind needs."""
    rng = random.Random(seed * 1_000_003 + number)
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    village = rng.choice(VILLAGES)
    payload = {
        "kind": kind,
        "unit": rng.choice(communes),
        "text": f"{rng.choice(TEXTS).format(village=village)} (Phiếu thử tải số {number}.)",
    }
    wants_identity = kind in ("information_request", "complaint", "denunciation") or rng.random() < 0.3
    if wants_identity:
        payload["name"] = f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"
        payload["phone"] = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        if kind == "information_request" or rng.random() < 0.3:
            payload["email"] = f"nguoidan{number}@example.vn"
        if kind in ("complaint", "denunciation") or rng.random() < 0.5:
            payload["address"] = f"Số {rng.randint(1, 200)}, {village}"
        payload["consent"] = True
    return payload


def run_phase(host, port, jobs, concurrency, timeout, handle):
    """Run every job with `concurrency` threads, each on its own keep-alive connection.

    A job is (method, path, body or None, context); `handle(status, body, context)` returns None when the
    answer is right, or a short reason when it is not (counted as an error).
    """
    work = queue.SimpleQueue()
    for job in jobs:
        work.put(job)
    phase = Phase()
    lock = threading.Lock()
    headers = {"User-Agent": "congkhai-feedback-load", "Accept": "application/json", "Connection": "keep-alive"}

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        latencies, errors, samples = [], Counter(), []
        while True:
            try:
                method, path, body, context = work.get_nowait()
            except queue.Empty:
                break
            request_headers = dict(headers)
            encoded = None
            if body is not None:
                encoded = json.dumps(body, ensure_ascii=False).encode("utf-8")
                request_headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            try:
                connection.request(method, path, body=encoded, headers=request_headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                connection.close()  # reconnects on the next request
                continue
            latencies.append(time.perf_counter() - started)
            problem = handle(response.status, answer, context)
            if problem is not None:
                errors[problem] += 1
                if len(samples) < 3:
                    samples.append(f"{method} {path} → {response.status}: {answer[:200].decode('utf-8', 'replace')}")
            if response.will_close:
                connection.close()
        connection.close()
        with lock:
            phase.latencies.extend(latencies)
            phase.errors.update(errors)
            phase.samples.extend(samples[: max(0, 5 - len(phase.samples))])

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.wall = time.perf_counter() - started
    return phase


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def print_table(rows):
    header = ("phase", "requests", "errors", "lost", "req/s", "p50 ms", "p95 ms", "p99 ms", "wall s")
    lines = []
    for name, phase, lost in rows:
        latencies = sorted(phase.latencies)
        rate = phase.requests / phase.wall if phase.wall else 0.0
        lines.append(
            (
                name,
                f"{phase.requests}",
                f"{phase.error_count}",
                "-" if lost is None else f"{lost}",
                f"{rate:.1f}",
                f"{percentile(latencies, 0.50) * 1000:.1f}",
                f"{percentile(latencies, 0.95) * 1000:.1f}",
                f"{percentile(latencies, 0.99) * 1000:.1f}",
                f"{phase.wall:.1f}",
            )
        )
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]
    for number, line in enumerate([header, *lines]):
        cells = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def load_test(host, port, args):
    """Submit, then resolve every code; return (submit phase, lookup phase, codes returned, codes lost)."""
    communes = commune_codes(host, port, args.timeout)
    submissions = [make_submission(number, args.seed, communes) for number in range(args.submissions)]
    accepted = {}  # tracking code -> (kind, unit code)
    accepted_lock = threading.Lock()

    def check_created(status, body, payload):
        if status != 201:
            return status
        try:
            answer = json.loads(body)
            code = answer["tracking_code"]
        except (ValueError, KeyError):
            return "bad 201 body"
        if answer.get("kind") != payload["kind"] or answer.get("unit", {}).get("code") != payload["unit"]:
            return "201 with wrong kind/unit"
        with accepted_lock:
            if code in accepted:
                return "duplicate tracking code"
            accepted[code] = (payload["kind"], payload["unit"])
        return None

    jobs = [("POST", "/api/v1/feedback", payload, payload) for payload in submissions]
    print(f"Submitting {len(jobs):,} items from {args.concurrency} clients …", flush=True)
    submit = run_phase(host, port, jobs, args.concurrency, args.timeout, check_created)

    lost_codes = []
    lost_lock = threading.Lock()

    def check_resolves(status, body, code):
        expected_kind, expected_unit = accepted[code]
        problem = None
        if status != 200:
            problem = status
        else:
            try:
                answer = json.loads(body)
                if answer.get("tracking_code") != code or answer.get("kind") != expected_kind:
                    problem = "wrong item"
                elif answer.get("unit", {}).get("code") != expected_unit:
                    problem = "wrong unit"
            except ValueError:
                problem = "bad 200 body"
        if problem is not None:
            with lost_lock:
                lost_codes.append(code)
        return problem

    lookups = [("GET", f"/api/v1/feedback/{code}", None, code) for code in accepted]
    print(f"Resolving every one of the {len(lookups):,} tracking codes returned …", flush=True)
    lookup = run_phase(host, port, lookups, args.concurrency, args.timeout, check_resolves)
    return submit, lookup, len(accepted), len(lost_codes)


def main(argv=None):
    args = parse_args(argv)
    server = None
    if args.start:
        url, workdir = prepare_workdir(args)
        port = free_port()
        env = server_env(url, workdir, port)
        print(f"Database: {sqlalchemy_free_url(url)}  ({workdir})")
        print("Preparing: flask db upgrade; flask units load", flush=True)
        run_flask(env, "db", "upgrade")
        run_flask(env, "units", "load")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        server = Server(env, port, args, workdir / "gunicorn.log")
        host = HOST
        print(f"gunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} thread(s), rate limits off")
    else:
        host, port = loopback_address(args.base_url)
        print(f"Server: {args.base_url} (started elsewhere; run it with RATELIMIT_ENABLED=false)")
    try:
        if server is not None:
            server.wait_ready()
        submit, lookup, returned, lost = load_test(host, port, args)
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    finally:
        if server is not None:
            server.stop()

    print()
    print_table(
        [("submit  POST /api/v1/feedback", submit, None), ("resolve GET /api/v1/feedback/<code>", lookup, lost)]
    )
    print()
    print(f"submissions: {args.submissions}  accepted (201): {returned}  errors: {submit.error_count}  lost: {lost}")
    p95 = percentile(sorted(submit.latencies), 0.95) * 1000
    print(f"throughput: {submit.requests / submit.wall:.1f} submissions/s  p95: {p95:.1f} ms")
    for name, phase in (("submit", submit), ("resolve", lookup)):
        if phase.errors:
            print(f"{name} errors: " + ", ".join(f"{key}: {count}" for key, count in phase.errors.most_common()))
            for sample in phase.samples:
                print(f"  {sample}")
    if server is not None:
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
        locked = log.count("database is locked")
        tracebacks = log.count("Traceback")
        print(f"server log: {locked} 'database is locked', {tracebacks} tracebacks ({server.log_path})")
    return 0 if submit.error_count == 0 and lookup.error_count == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
