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
import random
import sys
import threading
from urllib.parse import urlsplit

from _common import (
    HOST,
    Server,
    add_server_options,
    database_label,
    free_port,
    prepare_workdir,
    run_flask,
    server_env,
    stop_on_sigterm,
)
from _load import latency_cells, percentile, print_rows, send_all

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
    add_server_options(parser, prefix="with --start: ")
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
    """Run every job (method, path, JSON body or None, context) and check each answer with `handle`."""
    headers = {"User-Agent": "congkhai-feedback-load", "Accept": "application/json", "Connection": "keep-alive"}
    return send_all(host, port, jobs, concurrency, timeout, headers, handle)


def print_table(rows):
    header = ("phase", "requests", "errors", "lost", "req/s", "p50 ms", "p95 ms", "p99 ms", "wall s")
    lines = []
    for name, phase, lost in rows:
        rate = phase.requests / phase.wall if phase.wall else 0.0
        lost_cell = "-" if lost is None else f"{lost}"
        cells = (f"{phase.requests}", f"{phase.error_count}", lost_cell, f"{rate:.1f}", *latency_cells(phase.latencies))
        lines.append((name, *cells, f"{phase.wall:.1f}"))
    print_rows(header, lines)


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
        # A fresh folder every run, whatever the database (the script never keeps one between runs).
        url, workdir = prepare_workdir(
            args.database_url,
            "sqlite",
            False,
            parent="congkhai-feedback-load",
            database_file="load.db",
            clear_database_folder=True,
        )
        port = free_port()
        env = server_env(url, workdir, port)
        env["SESSION_COOKIE_SECURE"] = "false"
        print(f"Database: {database_label(url)}  ({workdir})")
        print("Preparing: flask db upgrade; flask units load", flush=True)
        run_flask(env, "db", "upgrade", quiet=True)
        run_flask(env, "units", "load", quiet=True)
        stop_on_sigterm()
        server = Server(env, port, args, workdir / "gunicorn.log")
        host = HOST
        print(f"gunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} thread(s), rate limits off")
    else:
        host, port = loopback_address(args.base_url)
        print(f"Server: {args.base_url} (started elsewhere; run it with RATELIMIT_ENABLED=false)")
    try:
        if server is not None:
            server.wait_ready("/api/v1/units?parent=24")
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
    p95 = percentile(submit.latencies, 0.95) * 1000
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
