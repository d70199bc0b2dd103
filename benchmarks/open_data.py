#!/usr/bin/env python
"""Measure the open-data surfaces on a large database: Open311's and the feeds' latency, a full open-data export.

Creates (or reuses) a database seeded with `flask seed-demo --notices N --feedback M` (the same database as
audit.py: a SQLite file seeded by one serves the other with --reuse), starts gunicorn on 127.0.0.1 and a free
port, fires a bounded number of GET requests at each latency target from a pool of threads over keep-alive
connections, then times `flask opendata export DIR` into the benchmark's temporary folder. Prints a table per
kind of figure, each figure with its target and MET or MISSED.

    .venv/bin/python benchmarks/open_data.py                        # 100,000 notices, 1,000,000 queue items
    .venv/bin/python benchmarks/open_data.py --reuse                # the same database again, no re-seeding
    .venv/bin/python benchmarks/open_data.py --notices 100000 --feedback 200000 --requests 200
    .venv/bin/python benchmarks/open_data.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Another surface is one more entry in LATENCY_TARGETS (a name, a path maker, a p95 target) or TIMED_COMMANDS.
Loopback only: the server binds 127.0.0.1 and the client talks to nothing else.
"""

import argparse
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import (
    add_load_options,
    check_at_least_one,
    connection_to,
    count_rows,
    migrate_and_seed,
    run_flask,
    start_benchmark,
)
from _load import Target, machine_line, percentile, print_rows, print_table, serve_and_measure
from cryptography.fernet import Fernet
from sqlalchemy import text

SEEDING_PARTS = (
    (r"Created ([\d,]+) notices in ([\d.]+) s", "notices: {1} s for {0}"),
    (r"Search index rebuilt in ([\d.]+) s", "search index rebuild: {0} s"),
    (r"Created ([\d,]+) queue items in ([\d.]+) s", "queue: {1} s for {0} items"),
    (r"Audit figures: ([\d,]+) unit-months computed in ([\d.]+) s", "audit rollups: {1} s for {0} unit-months"),
)


@dataclass(frozen=True)
class LatencyTarget:
    """A GET measured under load, and the p95 it must stay under (None: measured, not judged)."""

    name: str
    make_path: object  # (rng, sample) -> path
    p95_ms: float | None = None


@dataclass(frozen=True)
class TimedCommand:
    """A flask command timed once, and the time it must stay under (None: measured, not judged)."""

    name: str
    arguments: object  # workdir -> the flask command's arguments
    seconds: float | None = None
    prepare: object = None  # workdir -> None, run before (untimed)


@dataclass(frozen=True)
class Sample:
    """What the request mix draws from."""

    communes: list  # codes of communes with notices
    categories: list
    window_end: object  # the newest queue item's arrival: Open311's 90-day windows end there


OPEN311_KINDS = ("question", "petition", "complaint")


def _open311_window(rng, sample, kind=None):
    """GET requests.json for the 90 days ending at a random day of the data's last year, as a portal polls it."""
    end = sample.window_end - timedelta(days=rng.randrange(0, 365))
    start = end - timedelta(days=90)
    path = f"/open311/v2/requests.json?start_date={start:%Y-%m-%dT%H:%M:%SZ}&end_date={end:%Y-%m-%dT%H:%M:%SZ}"
    return path + (f"&service_code={kind}" if kind else "")


# The targets: p95 < 200 ms, a full export < 2 minutes.
LATENCY_TARGETS = [
    LatencyTarget("open311 requests.json, 90 days (1,000 newest)", _open311_window, 200.0),
    LatencyTarget(
        "open311 requests.json, 90 days, one service_code",
        lambda rng, sample: _open311_window(rng, sample, rng.choice(OPEN311_KINDS)),
        200.0,
    ),
    LatencyTarget("feed /feeds/notices.atom", lambda rng, sample: "/feeds/notices.atom", 200.0),
    LatencyTarget("feed /feeds/units/24.atom (province)", lambda rng, sample: "/feeds/units/24.atom", 200.0),
    LatencyTarget(
        "feed /feeds/units/<commune>.atom",
        lambda rng, sample: f"/feeds/units/{rng.choice(sample.communes)}.atom",
        200.0,
    ),
    LatencyTarget(
        "feed /feeds/categories/<c>.atom",
        lambda rng, sample: f"/feeds/categories/{rng.choice(sample.categories)}.atom",
        200.0,
    ),
    LatencyTarget("feed /feeds/answers.atom", lambda rng, sample: "/feeds/answers.atom", 200.0),
    LatencyTarget("sitemap /sitemap.xml (index)", lambda rng, sample: "/sitemap.xml", None),
]


def _export_directory(workdir):
    return workdir / "open-data"


def _clear_export(workdir):
    shutil.rmtree(_export_directory(workdir), ignore_errors=True)  # our own temporary folder


TIMED_COMMANDS = [
    TimedCommand(
        "flask opendata export DIR (full)",
        lambda workdir: ("opendata", "export", str(_export_directory(workdir))),
        120.0,
        _clear_export,
    ),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=100_000, help="notices to seed (default 100000)")
    parser.add_argument("--feedback", type=int, default=1_000_000, help="queue items to seed (default 1000000)")
    add_load_options(parser, requests=200, concurrency=2, warmup=10, timeout=60.0, concurrency_note=", one per worker")
    parser.add_argument(
        "--reuse", action="store_true", help="skip seeding if the database already has N notices and M queue items"
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed for the demo data and the request mix")
    args = parser.parse_args(argv)
    check_at_least_one(parser, args, ("notices", "requests", "concurrency", "workers", "threads"))
    return args


def prepare_database(url, env, args):
    wanted = {"notices": ("notices", args.notices), "feedback": ("queue items", args.feedback)}
    seed_arguments = ("--notices", str(args.notices), "--feedback", str(args.feedback))
    if not migrate_and_seed(url, env, args, wanted, seed_arguments, SEEDING_PARTS):
        seconds, _ = run_flask(env, "audit", "refresh", quiet=True)
        print(f"Bringing the audit rollups up to date took {seconds:.1f} s")


def sample_data(url):
    with connection_to(url) as connection:
        communes = (
            connection.execute(
                text(
                    "SELECT DISTINCT u.code FROM administrative_units u JOIN notices n ON n.unit_id = u.id "
                    "WHERE u.kind IN ('commune', 'ward', 'special_zone') AND n.status = 'published'"
                )
            )
            .scalars()
            .all()
        )
        categories = connection.execute(text("SELECT DISTINCT category FROM notices")).scalars().all()
        answers = connection.execute(
            text("SELECT count(*) FROM feedback WHERE is_public = :yes AND answered_at IS NOT NULL"), {"yes": True}
        ).scalar()
        newest = connection.execute(text("SELECT max(received_at) FROM feedback")).scalar()
    if not communes:
        raise SystemExit("the database has no published notices")
    if isinstance(newest, str):  # SQLite hands back its text
        newest = datetime.fromisoformat(newest)
    return Sample(sorted(communes), sorted(categories), newest or datetime.now(UTC).replace(tzinfo=None)), answers


def _verdict(value, goal):
    if goal is None:
        return "", ""
    return f"< {goal:g}", "MET" if value < goal else "MISSED"


def print_targets(results, commands):
    rows = []
    by_name = dict(results)
    for target in LATENCY_TARGETS:
        measurement = by_name.get(target.name)
        if measurement is None or not measurement.latencies:
            continue
        p95 = percentile(measurement.latencies, 0.95) * 1000
        goal, verdict = _verdict(p95, target.p95_ms)
        rows.append((target.name, "p95", f"{p95:.1f} ms", f"{goal} ms" if goal else "", verdict))
    for command, (seconds, detail) in commands.items():
        goal, verdict = _verdict(seconds, command.seconds)
        rows.append((command.name + detail, "time", f"{seconds:.1f} s", f"{goal} s" if goal else "", verdict))
    print()
    print_rows(("figure", "what", "measured", "target", ""), rows)


def run_commands(env, workdir):
    """Run each timed command; return {TimedCommand: (seconds, what it wrote)}."""
    timings = {}
    for command in TIMED_COMMANDS:
        if command.prepare:
            command.prepare(workdir)
        print(f"\nTiming: flask {' '.join(command.arguments(workdir))}")
        seconds, output = run_flask(env, *command.arguments(workdir))
        written = output.strip().splitlines()[-1] if output.strip() else ""
        detail = ""
        if command.name.startswith("flask opendata export"):
            size = sum(path.stat().st_size for path in _export_directory(workdir).iterdir())
            detail = f" — {size / 1e6:,.0f} MB written"
        print(f"  {written}")
        timings[command] = (seconds, detail)
    return timings


def encryption_key():
    """The production config's DATA_ENCRYPTION_KEY: one per machine, kept beside the benchmark databases."""
    path = Path(tempfile.gettempdir()) / "congkhai-bench" / "data-encryption.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode(), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def main(argv=None):
    args = parse_args(argv)
    folder = f"audit-sqlite-{args.notices}-{args.feedback}"
    url, workdir, port, env = start_benchmark(args, folder, DATA_ENCRYPTION_KEY=encryption_key())
    prepare_database(url, env, args)
    notices, items = count_rows(url, "notices", "feedback")
    sample, answers = sample_data(url)
    targets = [
        Target(target.name, (lambda make: lambda rng: make(rng, sample))(target.make_path))
        for target in LATENCY_TARGETS
    ]
    results = serve_and_measure(env, port, args, workdir / "gunicorn.log", random.Random(args.seed), lambda _: targets)
    timings = run_commands(env, workdir)
    print(f"\n{notices:,} notices, {items:,} queue items ({answers:,} answered in public); {machine_line()}\n")
    if results:
        print_table(results)
    print_targets(results, timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
