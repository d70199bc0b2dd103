#!/usr/bin/env python
"""Measure the inspectors' audit pages, the stats API and a unit's public page on a large queue.

Creates (or reuses) a database, seeds it with `flask seed-demo --notices N --feedback M`, starts
gunicorn on 127.0.0.1 and a free port, signs in as the demo inspector (thanhtra.bacninh, the province)
through /login, then fires a bounded number of requests at each page with a pool of threads over
keep-alive http.client connections, and prints a table: requests, errors, throughput and latency
percentiles per target.

    .venv/bin/python benchmarks/audit.py                      # 100,000 notices, 1,000,000 queue items, SQLite
    .venv/bin/python benchmarks/audit.py --reuse              # the same database again, no re-seeding
    .venv/bin/python benchmarks/audit.py --notices 20000 --feedback 100000 --requests 20
    .venv/bin/python benchmarks/audit.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Loopback only: the server binds 127.0.0.1 and the client talks to nothing else.
"""

import argparse
import http.client
import random
import re
import sys
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from _common import (
    HOST,
    add_load_options,
    check_at_least_one,
    connection_to,
    count_rows,
    migrate_and_seed,
    run_flask,
    start_benchmark,
)
from _load import BASE_HEADERS, Target, print_report, serve_and_measure
from sqlalchemy import text

PROVINCE = "24"  # Bắc Ninh: the demo data's province, the inspector's unit
INSPECTOR = ("thanhtra.bacninh", "congkhai-demo")  # app.notices.demo.DEMO_USERS, DEMO_PASSWORD
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


SEEDING_PARTS = (
    (r"Created ([\d,]+) notices in ([\d.]+) s", "notices: {1} s for {0}"),
    (r"Audit figures: ([\d,]+) unit-months computed in ([\d.]+) s", "audit rollups: {1} s for {0} unit-months"),
    (r"Search index rebuilt in ([\d.]+) s", "search index rebuild: {0} s"),
    (r"Created ([\d,]+) queue items in ([\d.]+) s", "queue: {1} s for {0} items"),
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=100_000, help="notices to seed (default 100000)")
    parser.add_argument("--feedback", type=int, default=1_000_000, help="queue items to seed (default 1000000)")
    add_load_options(parser, requests=100, concurrency=2, warmup=4, timeout=120.0, concurrency_note=", one per worker")
    parser.add_argument(
        "--reuse", action="store_true", help="skip seeding if the database already has N notices and M queue items"
    )
    parser.add_argument("--commune", help="commune code for the unit targets (default: the one with most items)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with AUDIT_REPORT_CACHE_SECONDS=0 and AUDIT_PUBLIC_SUMMARY_SECONDS=0: every request computes",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed for the demo data (default 2026)")
    args = parser.parse_args(argv)
    check_at_least_one(parser, args, ("notices", "feedback", "requests", "concurrency", "workers", "threads"))
    return args


def prepare_database(url, env, args):
    wanted = {"notices": ("notices", args.notices), "feedback": ("queue items", args.feedback)}
    seed_arguments = ("--notices", str(args.notices), "--feedback", str(args.feedback))
    if not migrate_and_seed(url, env, args, wanted, seed_arguments, SEEDING_PARTS):
        # Rollups missing (a database seeded before they existed) or out of date since: computed here.
        seconds, _ = run_flask(env, "audit", "refresh")
        print(f"Bringing the audit rollups up to date took {seconds:.1f} s")


def sample_data(url, commune):
    """The commune for the unit targets (given, or the one with most items): (code, name, items)."""
    query = """
        SELECT u.code, u.name, count(*) AS items
        FROM feedback f JOIN administrative_units u ON u.id = f.unit_id
        {where}
        GROUP BY u.code, u.name ORDER BY items DESC, u.code LIMIT 1
    """
    with connection_to(url) as connection:
        if commune:
            row = connection.execute(text(query.format(where="WHERE u.code = :code")), {"code": commune}).first()
        else:
            row = connection.execute(text(query.format(where=""))).first()
    if row is None:
        raise SystemExit(f"no queue items for commune {commune}" if commune else "the database has no queue items")
    return tuple(row)


def one_year(today):
    """(first, last) local days of the year that ends today, as from=/to= would give them."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = date(today.year - 1, 2, 28)
    return start + timedelta(days=1), today


def _cookies(response, jar):
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def _cookie_header(jar):
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def sign_in(port, username, password, timeout):
    """Sign in through /login (CSRF token from the form); return the Cookie header of the session."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/login", headers=BASE_HEADERS)
        response = connection.getresponse()
        page = response.read().decode("utf-8")
        jar = _cookies(response, {})
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page
        )
        if response.status != 200 or token is None:
            raise SystemExit(f"GET /login answered {response.status} without a CSRF token")
        body = urlencode({"csrf_token": token.group(1), "username": username, "password": password})
        headers = {
            **BASE_HEADERS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(jar),
            "Origin": f"http://{HOST}:{port}",
            "Referer": f"http://{HOST}:{port}/login",
        }
        if response.will_close:
            connection.close()
        connection.request("POST", "/login", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location", "")
        if response.status != 302 or "/login" in location:
            raise SystemExit(f"signing in as {username} failed: status {response.status}, Location {location!r}")
        return _cookie_header(_cookies(response, jar))
    finally:
        connection.close()


def expire_pending_months(url, today):
    """Make the rollups whose pending deadlines pass by tomorrow out of date, as the next day would."""
    with connection_to(url, write=True) as connection:
        return connection.execute(
            text(
                "UPDATE rollup_months SET valid_until = :yesterday "
                "WHERE valid_until IS NOT NULL AND valid_until <= :today"
            ),
            {"yesterday": today - timedelta(days=1), "today": today},
        ).rowcount


def nightly_refresh(url, env, today):
    """Time `flask audit refresh` after the day's deadlines passed (the first report of a day pays as much)."""
    expired = expire_pending_months(url, today)
    seconds, _ = run_flask(env, "audit", "refresh")
    print(f"Nightly refresh: {expired:,} unit-months with a deadline passing today, recomputed in {seconds:.1f} s")


def build_targets(commune, year, cookie):
    signed_in = {"Cookie": cookie}
    period = urlencode({"from": year[0].isoformat(), "to": year[1].isoformat()})
    return [
        Target("audit /audit/ (province, default period)", lambda rng: "/audit/", signed_in),
        Target("audit /audit/?from&to (province, 1 year)", lambda rng: f"/audit/?{period}", signed_in),
        Target("audit /audit/units/<commune> (default period)", lambda rng: f"/audit/units/{commune}", signed_in),
        Target("api /api/v1/stats?unit=24 (1 year)", lambda rng: f"/api/v1/stats?unit={PROVINCE}&{period}"),
        Target("api /api/v1/stats?unit=<commune> (1 year)", lambda rng: f"/api/v1/stats?unit={commune}&{period}"),
        Target("public /units/24 (cached summary)", lambda rng: f"/units/{PROVINCE}"),
    ]


def main(argv=None):
    args = parse_args(argv)
    no_cache = {"AUDIT_REPORT_CACHE_SECONDS": "0", "AUDIT_PUBLIC_SUMMARY_SECONDS": "0"} if args.no_cache else {}
    url, workdir, port, env = start_benchmark(args, f"audit-sqlite-{args.notices}-{args.feedback}", **no_cache)
    prepare_database(url, env, args)
    notices, items = count_rows(url, "notices", "feedback")
    commune, commune_name, commune_items = sample_data(url, args.commune)
    today = datetime.now(LOCAL_TZ).date()
    year = one_year(today)

    def signed_in_targets(port):
        cookie = sign_in(port, *INSPECTOR, args.timeout)
        print(f"Signed in as {INSPECTOR[0]} through /login (the audit targets send its session cookie)")
        return build_targets(commune, year, cookie)

    caches = "report caches off (--no-cache)" if args.no_cache else "report caches as configured"
    results = serve_and_measure(
        env, port, args, workdir / "gunicorn.log", random.Random(args.seed), signed_in_targets, f"; {caches}"
    )
    nightly_refresh(url, env, today)
    what = f"{notices:,} notices, {items:,} queue items; commune {commune} ({commune_name}, {commune_items:,} items)"
    print_report(results, f"{what}; 1 year = {year[0]}..{year[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
