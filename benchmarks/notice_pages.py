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
import sys

from _common import (
    add_load_options,
    check_at_least_one,
    connection_to,
    migrate_and_seed,
    start_benchmark,
)
from _load import Target, print_report, serve_and_measure
from sqlalchemy import text

PER_PAGE = 20  # NOTICES_PER_PAGE; only used to pick page numbers that exist


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=100_000, help="notices to seed (default 100000)")
    add_load_options(parser, requests=500, concurrency=8, warmup=20, timeout=60.0)
    parser.add_argument("--reuse", action="store_true", help="skip seeding if the database already has N notices")
    parser.add_argument("--seed", type=int, default=2026, help="seed for the demo data and the request mix")
    args = parser.parse_args(argv)
    check_at_least_one(parser, args, ("notices", "requests", "concurrency", "workers", "threads"))
    return args


SEEDING_PARTS = (
    (r"Created ([\d,]+) notices in ([\d.]+) s", "notices: {1} s for {0}"),
    (r"Search index rebuilt in ([\d.]+) s", "search index rebuild: {0} s"),
)


def sample_data(url, rng):
    """Return what the request mix draws from: published notice ids and page counts."""
    with connection_to(url) as connection:
        ids = connection.execute(text("SELECT id FROM notices WHERE status = 'published'")).scalars().all()
        budget = connection.execute(
            text("SELECT count(*) FROM notices WHERE status = 'published' AND category = 'budget'")
        ).scalar()
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
    url, workdir, port, env = start_benchmark(args, f"sqlite-{args.notices}")
    seed_arguments = ("--notices", str(args.notices))
    migrate_and_seed(url, env, args, {"notices": ("notices", args.notices)}, seed_arguments, SEEDING_PARTS)
    rng = random.Random(args.seed)
    ids, pages, budget_pages = sample_data(url, rng)
    targets = build_targets(ids, pages, budget_pages)
    results = serve_and_measure(env, port, args, workdir / "gunicorn.log", rng, lambda port: targets)
    sampled = len(ids) if len(ids) < 50_000 else "≥50,000"
    print_report(results, f"{sampled} published notices sampled, {pages:,} list pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
