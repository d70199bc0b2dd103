#!/usr/bin/env python
"""Opinions under load: N opinions from C clients against what `make run` starts, nothing lost or doubled.

Starts gunicorn (2 workers) and `flask tasks worker` (the Procfile) on a fresh database with the demo
(`flask seed-demo --notices 300 --feedback 0`: the featured commune has a consultation open), SMS to the
development log (OUTBOX_DIR/sms.log). Then, from C client threads:

1. asks for a code for every phone (POST /api/v1/consultations/<id>/verification → 202), a share of the
   phones twice (they will send two opinions at once: the replacement path under contention);
2. waits for the worker to write every SMS, and reads the codes from the log as a citizen reads them;
3. gives the N opinions (POST …/opinions → 201, or 200 for a phone's second one), while R reader threads
   load the notice page again and again (its p95 while opinions are coming in; the same page is first
   measured alone).

Then it reads the database: every accepted opinion is there (0 lost), one row per phone (0 duplicates),
every opinion given is in the history, the API's total equals the rows, a phone that sent once has the
choice it sent. Prints throughput and p50/p95/p99 of each phase (target: opinions p95 < 200 ms).

    .venv/bin/python benchmarks/consultation.py                       # 5,000 opinions, 50 clients, SQLite
    .venv/bin/python benchmarks/consultation.py --database-url postgresql://postgres@127.0.0.1:5432/bench

Loopback only: gunicorn and the worker listen on / talk to 127.0.0.1.
"""

import argparse
import secrets
import sys
import threading
import time
from collections import Counter

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
from _load import Measurement, latency_cells, machine_line, percentile, print_rows, send_all
from _opinions import (
    HEADERS,
    Readers,
    batches,
    database_state,
    get_json,
    merged,
    plan,
    start_worker,
    verify,
    wait_for_codes,
)
from cryptography.fernet import Fernet

MAX_OPINIONS = 100_000
TARGET_P95_MS = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opinions", type=int, default=5000, help="opinions to give (default 5000)")
    parser.add_argument("--concurrency", type=int, default=50, help="client threads (default 50)")
    parser.add_argument("--readers", type=int, default=5, help="threads reading the notice page meanwhile (default 5)")
    parser.add_argument(
        "--twice", type=float, default=0.05, help="share of the opinions that are a phone's second one (default 0.05)"
    )
    parser.add_argument("--database-url", help="database (default: a fresh SQLite file in the temporary folder)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a request counts as failed")
    parser.add_argument("--drain-timeout", type=float, default=300.0, help="seconds to wait for the SMS (default 300)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the phones and choices")
    parser.add_argument(
        "--batch", type=int, default=1000, help="opinions per round of codes then opinions (default 1000)"
    )
    add_server_options(parser)
    args = parser.parse_args(argv)
    if not 1 <= args.opinions <= MAX_OPINIONS:
        parser.error(f"--opinions must be between 1 and {MAX_OPINIONS}")
    if not 1 <= args.concurrency <= 256 or not 0 <= args.readers <= 64 or not 0 <= args.twice <= 0.5:
        parser.error("--concurrency 1–256, --readers 0–64, --twice 0–0.5")
    return args


# --- the run ----------------------------------------------------------------------------------------


def run(args, url, workdir, env):
    port = free_port()
    env = {**env, "PORT": str(port), "PUBLIC_BASE_URL": f"http://{HOST}:{port}"}
    server = Server(env, port, args, workdir / "gunicorn.log")
    worker = start_worker(env, workdir / "worker.log")
    try:
        server.wait_ready("/api/v1/consultations?status=open&unit=07627")
        found = get_json(port, "/api/v1/consultations?status=open&unit=07627", args.timeout)["items"]
        if not found:
            raise SystemExit("no open consultation in the demo's commune 07627")
        detail = get_json(port, f"/api/v1/notices/{found[0]['notice']}/consultation", args.timeout)
        consultation_id, notice_id = detail["id"], detail["notice"]
        choices = [choice["key"] for choice in detail["choices"]]
        opinions = plan(args, choices, detail["villages"])
        wanted = Counter(phone for phone, _ in opinions)
        print(
            f"\nConsultation {consultation_id} on notice {notice_id}: {len(opinions):,} opinions from "
            f"{len(wanted):,} phones ({len(opinions) - len(wanted):,} send a second one at the same time)",
            flush=True,
        )

        def accepted_202(status, body, context):
            return None if status == 202 else status

        accepted, lock = [], threading.Lock()

        def given(status, body, index):
            if status not in (200, 201):
                return status
            with lock:
                accepted.append(index)
            return None

        page = f"/notices/{notice_id}"
        alone = send_all(
            HOST, port, [("GET", page, None, None)] * 300, max(1, args.readers), args.timeout, {}, lambda *a: None
        )
        state_before = database_state(url, consultation_id)
        log = workdir / "outbox" / "sms.log"
        verifications, phases, reading, sms_waits, delivered = [], [], [], [], 0
        for number, batch in enumerate(batches(opinions, args.batch), start=1):
            wanted = Counter(phone for _, (phone, _payload) in batch)
            codes_jobs = [
                ("POST", f"/api/v1/consultations/{consultation_id}/verification", {"phone": phone}, phone)
                for _, (phone, _payload) in batch
            ]
            print(
                f"round {number}: {len(codes_jobs):,} codes asked, SMS read from the log, opinions given …", flush=True
            )
            verifications.append(
                send_all(HOST, port, codes_jobs, args.concurrency, args.timeout, HEADERS, accepted_202)
            )
            asked_at = time.monotonic()
            codes = wait_for_codes(log, wanted, worker, asked_at + args.drain_timeout)
            sms_waits.append(time.monotonic() - asked_at)
            delivered += sum(min(len(codes.get(phone, [])), count) for phone, count in wanted.items())
            jobs, used = [], Counter()
            for index, (phone, payload) in batch:
                phone_codes = codes.get(phone, [])
                code = phone_codes[used[phone]] if used[phone] < len(phone_codes) else "000000"
                used[phone] += 1
                jobs.append(
                    ("POST", f"/api/v1/consultations/{consultation_id}/opinions", {**payload, "code": code}, index)
                )
            with Readers(port, page, args.readers, args.timeout) as readers:
                phases.append(send_all(HOST, port, jobs, args.concurrency, args.timeout, HEADERS, given))
            reading.append(readers)
        api_total = get_json(port, f"/api/v1/notices/{notice_id}/consultation", args.timeout)["total"]
        state_after = database_state(url, consultation_id)
    finally:
        worker.stop()
        server.stop()
    given_phase = merged(phases)
    readers = merged(
        Measurement(latencies=list(item.latencies), errors=Counter(item.errors), wall=item.wall) for item in reading
    )
    return {
        "verification": merged(verifications),
        "delivered": delivered,
        "codes_wanted": len(opinions),
        "sms_seconds": max(sms_waits, default=0.0),
        "alone": alone,
        "given": given_phase,
        "readers": readers,
        "problems": verify(state_before, state_after, accepted, opinions, env["SECRET_KEY"], api_total),
        "accepted": len(accepted),
        "opinions": len(opinions),
        "statuses": given_phase.errors,
    }


def report(result, args, url):
    print(f"\nOpinions under load; {machine_line()}")
    print(
        f"Database: {database_label(url)}; gunicorn {args.workers} workers × {args.threads} thread(s) + flask tasks "
        f"worker; {args.concurrency} clients, {args.readers} page readers\n"
    )
    header = ("phase", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "wall s")
    rows = []
    for name, phase in (
        ("codes: POST …/verification", result["verification"]),
        ("notice page alone", result["alone"]),
        ("opinions: POST …/opinions", result["given"]),
    ):
        rows.append(
            (
                name,
                f"{phase.requests}",
                f"{phase.error_count}",
                f"{phase.requests / phase.wall:.1f}",
                *latency_cells(phase.latencies),
                f"{phase.wall:.1f}",
            )
        )
    readers = result["readers"]
    rows.append(
        (
            "notice page during opinions",
            f"{len(readers.latencies)}",
            f"{sum(readers.errors.values())}",
            f"{len(readers.latencies) / readers.wall:.1f}",
            *latency_cells(readers.latencies),
            f"{readers.wall:.1f}",
        )
    )
    print_rows(header, rows)
    problems, doubled, lost = result["problems"]
    p95 = percentile(result["given"].latencies, 0.95) * 1000
    print(
        f"\nSMS written by the worker: {result['delivered']:,} of {result['codes_wanted']:,} codes; at most "
        f"{result['sms_seconds']:.1f} s from a round's last code request to its last SMS in the log"
    )
    print(
        f"opinions accepted: {result['accepted']:,} of {result['opinions']:,}; lost: {lost}; "
        f"phones with more than one opinion: {doubled}"
    )
    if result["statuses"]:
        print("refused: " + ", ".join(f"{key}: {count}" for key, count in result["statuses"].most_common()))
    verdict = "MET" if p95 < TARGET_P95_MS else "MISSED"
    print(f"opinions p95 {p95:.1f} ms (target < {TARGET_P95_MS} ms): {verdict}")
    print(
        "check: "
        + (
            "; ".join(problems)
            if problems
            else "every accepted opinion stored once, history complete, API total = rows"
        )
    )
    return 1 if problems or result["accepted"] != result["opinions"] else 0


def main(argv=None):
    args = parse_args(argv)
    url, workdir = prepare_workdir(
        args.database_url,
        "sqlite",
        False,
        parent="congkhai-consultation",
        database_file="bench.db",
        clear_database_folder=True,
    )
    env = server_env(url, workdir, 8000)
    env.update(
        {
            "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "false",
            "FLASK_APP": "app",
            "SMS_BACKEND": "log",
            "OUTBOX_DIR": str(workdir / "outbox"),
            "TASKS_DIR": str(workdir / "tasks"),
        }
    )
    print(f"Database: {database_label(url)}  ({workdir})")
    stop_on_sigterm()
    print("Preparing: flask db upgrade; flask seed-demo --notices 300 --feedback 0", flush=True)
    run_flask(env, "db", "upgrade", quiet=True)
    run_flask(env, "seed-demo", "--notices", "300", "--feedback", "0", quiet=True)
    try:
        result = run(args, url, workdir, env)
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    return report(result, args, url)


if __name__ == "__main__":
    sys.exit(main())
