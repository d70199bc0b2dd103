#!/usr/bin/env python
"""Measure the public notice pages under load, the way `make run` serves them.

Creates (or reuses) a database, seeds it with `flask seed-demo --notices N`, starts
gunicorn on 127.0.0.1 and a free port, then fires a bounded number of requests at each
page with a pool of threads over keep-alive http.client connections, and prints a table:
requests, errors, throughput and latency percentiles per target.

    .venv/bin/python benchmarks/notice_pages.py                      # 100,000 notices, SQLite
    .venv/bin/python benchmarks/notice_pages.py --notices 20000 --requests 200
    .venv/bin/python benchmarks/notice_pages.py --database-url postgresql://postgres@127.0.0.1:5432/bench

Loopback only: the server binds 127.0.0.1 and the client talks to nothing else.
"""

import argparse
import random
import re
import signal
import sys

from _common import (
    HOST,
    Server,
    Target,
    check_at_least_one,
    database_label,
    free_port,
    machine_line,
    measure,
    prepare_workdir,
    print_table,
    run_flask,
    server_env,
    sqlalchemy_url,
)
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

PER_PAGE = 20  # NOTICES_PER_PAGE; only used to pick page numbers that exist


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=100_000, help="notices to seed (default 100000)")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per target (default 500)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; >1 uses gthread (default 1)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per target first (default 20)")
    parser.add_argument(
        "--database-url",
        help="database to use (default: a SQLite file in the temporary directory, recreated unless --reuse)",
    )
    parser.add_argument("--reuse", action="store_true", help="skip seeding if the database already has N notices")
    parser.add_argument("--seed", type=int, default=2026, help="seed for the demo data and the request mix")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a request counts as failed")
    parser.add_argument(
        "--keep-rate-limits", action="store_true", help="leave Flask-Limiter on (default: off, as one client IP)"
    )
    args = parser.parse_args(argv)
    check_at_least_one(parser, args, ("notices", "requests", "concurrency", "workers", "threads"))
    return args


def count_notices(url):
    """Return the number of notices, or None if the schema is not there."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM notices")).scalar()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def prepare_database(url, env, args):
    print("Migrating: flask db upgrade")
    run_flask(env, "db", "upgrade")
    existing = count_notices(url)
    if args.reuse and existing is not None and existing >= args.notices:
        print(f"Reusing the database: {existing:,} notices, no seeding")
        return
    print(f"Seeding: flask seed-demo --notices {args.notices} --seed {args.seed}")
    seconds, output = run_flask(env, "seed-demo", "--notices", str(args.notices), "--seed", str(args.seed))
    created = re.search(r"Created ([\d,]+) notices in ([\d.]+) s", output)
    rebuilt = re.search(r"Search index rebuilt in ([\d.]+) s", output)
    print(f"Seeding took {seconds:.1f} s in all", end="")
    if created:
        print(f" (notices: {created.group(2)} s for {created.group(1)}", end="")
        print(f"; search index rebuild: {rebuilt.group(1)} s)" if rebuilt else ")", end="")
    print()


def sample_data(url, rng):
    """Return what the request mix draws from: published notice ids and page counts."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            ids = connection.execute(text("SELECT id FROM notices WHERE status = 'published'")).scalars().all()
            budget = connection.execute(
                text("SELECT count(*) FROM notices WHERE status = 'published' AND category = 'budget'")
            ).scalar()
    finally:
        engine.dispose()
    if not ids:
        raise SystemExit("the database has no published notices to request")
    pages = max(1, -(-len(ids) // PER_PAGE))
    budget_pages = max(1, -(-budget // PER_PAGE))
    return rng.sample(ids, min(len(ids), 50_000)), pages, budget_pages


def build_targets(ids, pages, budget_pages):
    def deep(last):
        return lambda rng: rng.randint(min(2, last), last)

    deep_page, deep_budget = deep(pages), deep(budget_pages)
    return [
        Target("notice page /notices/<id>", lambda rng: f"/notices/{rng.choice(ids)}"),
        Target("list /notices (page 1)", lambda rng: "/notices"),
        Target("list /notices?page=<deep>", lambda rng: f"/notices?page={deep_page(rng)}"),
        Target("list ?category=budget (page 1)", lambda rng: "/notices?category=budget"),
        Target("list ?category=budget&page=<deep>", lambda rng: f"/notices?category=budget&page={deep_budget(rng)}"),
        Target("list ?unit=24&page=<random>", lambda rng: f"/notices?unit=24&page={rng.randint(1, pages)}"),
        Target("home /", lambda rng: "/"),
        Target("api /api/v1/notices (page 1)", lambda rng: "/api/v1/notices"),
        Target("api /api/v1/notices?page=<deep>", lambda rng: f"/api/v1/notices?page={deep_page(rng)}"),
    ]


def main(argv=None):
    args = parse_args(argv)
    url, workdir = prepare_workdir(args.database_url, f"sqlite-{args.notices}", args.reuse)
    port = free_port()
    env = server_env(url, workdir, args, port)
    print(f"Database: {database_label(url)}  ({workdir})")
    prepare_database(url, env, args)
    rng = random.Random(args.seed)
    ids, pages, budget_pages = sample_data(url, rng)
    targets = build_targets(ids, pages, budget_pages)

    # Ctrl-C and kill both end in the finally below, which stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = Server(env, port, args, workdir / "gunicorn.log")
    results = []
    try:
        server.wait_ready()
        print(
            f"\ngunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} thread(s); client: "
            f"{args.concurrency} threads, {args.requests} requests per target after {args.warmup} warm-up requests"
        )
        measure(port, targets, args, rng, results)
    except KeyboardInterrupt:
        print("\nInterrupted; stopping gunicorn.")
    finally:
        server.stop()
    if results:
        print(
            f"\n{len(ids) if len(ids) < 50_000 else '≥50,000'} published notices sampled, {pages:,} list pages; "
            f"{machine_line()}\n"
        )
        print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
