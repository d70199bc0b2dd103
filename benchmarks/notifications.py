#!/usr/bin/env python
"""Intake with the outbox on and off: does mailing every receipt slow down POST /api/v1/feedback?

Starts what `make run` starts (the Procfile: gunicorn with 2 workers and `flask tasks worker`) on a fresh
database with the demo's units and accounts, and a real SMTP server (aiosmtpd, in a child process) on a
free loopback port, then sends the same load twice: N questions, each with its own e-mail address, from C
client threads, with the outbox off (NOTIFICATIONS_ENABLED=false: nothing written, nothing sent) and on
(each submission writes the citizen's receipt and one new-item mail per official of the commune who has
an e-mail; the worker sends them after commit). Prints submissions/s and latencies of both runs and their
ratio (target: within 10%), then, for the outbox on, the mails expected (the notification rows written),
received, and the time until the last one reached the SMTP server; checks that nothing was lost.

    .venv/bin/python benchmarks/notifications.py                  # 2,000 submissions, 50 clients, SQLite
    .venv/bin/python benchmarks/notifications.py --database-url postgresql://postgres@127.0.0.1:5432/bench

Loopback only: gunicorn, the worker and the SMTP server listen on 127.0.0.1.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from email.parser import BytesHeaderParser

from _common import (
    HOST,
    Process,
    Server,
    add_server_options,
    connection_to,
    database_label,
    free_port,
    prepare_workdir,
    run_flask,
    server_env,
    stop_on_sigterm,
)
from _load import latency_cells, machine_line, print_rows, send_all
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import text

MAX_SUBMISSIONS = 200_000
MAX_CONCURRENCY = 256
TARGET_RATIO = 0.90  # the outbox may cost intake at most 10% of its throughput
HEADERS = {"User-Agent": "congkhai-notifications-benchmark", "Accept": "application/json", "Connection": "keep-alive"}
TEXTS = (
    "Xin hỏi thủ tục đăng ký hộ kinh doanh tại xã cần những giấy tờ gì?",
    "Xin hỏi khi nào xã tổ chức tiêm phòng dại cho chó mèo năm nay?",
    "Xin hỏi lịch tiếp công dân của chủ tịch xã trong tháng này?",
    "Xin hỏi gia đình tôi có thuộc diện được hỗ trợ sửa nhà theo chương trình năm nay không?",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000, help="measured submissions per run (default 2000)")
    parser.add_argument("--concurrency", type=int, default=50, help="client threads (default 50)")
    add_server_options(parser)
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured submissions first, per run (default 50)")
    parser.add_argument("--database-url", help="database to use (default: a fresh SQLite file in the temporary folder)")
    parser.add_argument("--only", choices=("on", "off"), help="one run only: the outbox on or off (default both)")
    parser.add_argument("--rounds", type=int, default=1, help="off-then-on pairs, for a busy machine (default 1)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a request counts as failed")
    parser.add_argument("--drain-timeout", type=float, default=600.0, help="seconds to wait for the last mail")
    args = parser.parse_args(argv)
    if not 1 <= args.submissions <= MAX_SUBMISSIONS:
        parser.error(f"--submissions must be between 1 and {MAX_SUBMISSIONS}")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if min(args.workers, args.threads, args.rounds) < 1 or args.warmup < 0:
        parser.error("--workers, --threads and --rounds must be at least 1, --warmup at least 0")
    return args


# --- the SMTP server, in a process of its own (not competing with the client threads for the GIL) ----


class MailCounter:
    """An aiosmtpd handler: for each mail, its X-Congkhai-Notification id, recipients and time of arrival."""

    def __init__(self, count):
        self.count = count  # a multiprocessing.Value the benchmark reads while it waits
        self.ids = Counter()  # notification id -> mails received with it
        self.arrivals = {}  # notification id -> time.monotonic() of its first mail (one clock for all processes)
        self.recipients = Counter()  # envelope recipient -> mails
        self.unlabelled = 0  # mails without the header

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        now = time.monotonic()
        header = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)[
            "X-Congkhai-Notification"
        ]
        self.recipients.update(address.lower() for address in envelope.rcpt_tos)
        if header is None or not header.strip().isdigit():
            self.unlabelled += 1
        else:
            self.ids[int(header)] += 1
            self.arrivals.setdefault(int(header), now)
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve_smtp(port, pipe, count):
    mails = MailCounter(count)
    controller = Controller(mails, hostname=HOST, port=port, ready_timeout=5)
    controller.start()
    pipe.send("ready")
    pipe.recv()  # until told to stop
    controller.stop()
    pipe.send((mails.ids, mails.arrivals, mails.recipients, mails.unlabelled))


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port, in a child process; `stop()` returns what it received."""

    def __init__(self):
        self.port, self.count = free_port(), multiprocessing.Value("i", 0)
        self._pipe, child_end = multiprocessing.Pipe()
        context = multiprocessing.get_context("fork")
        self.process = context.Process(target=_serve_smtp, args=(self.port, child_end, self.count), daemon=True)
        self.process.start()
        if not self._pipe.poll(30):
            raise SystemExit("the SMTP server did not start")
        self._pipe.recv()

    def stop(self):
        """Stop it; return (ids, arrivals, recipients, unlabelled), or None if it did not answer."""
        try:
            self._pipe.send("stop")
            return self._pipe.recv() if self._pipe.poll(30) else None
        finally:
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()


# --- the database -----------------------------------------------------------------------------------


def prepare_database(url, env):
    """Migrate, load the demo's units and accounts (no notices, no queue), give each official an e-mail.

    Return [(commune code, officials told by e-mail)], the communes the questions go to.
    """
    print("Preparing: flask db upgrade; flask seed-demo --notices 0 --feedback 0", flush=True)
    run_flask(env, "db", "upgrade", quiet=True)
    run_flask(env, "seed-demo", "--notices", "0", "--feedback", "0", quiet=True)
    with connection_to(url, write=True) as connection:
        connection.execute(
            text(
                "UPDATE users SET email = username || '@example.vn', notify_by = 'email' "
                "WHERE role = 'official' AND (email IS NULL OR email = '')"
            )
        )
        rows = connection.execute(
            text(
                "SELECT u.code, count(*) FROM users JOIN administrative_units u ON u.id = users.unit_id "
                "WHERE users.role = 'official' AND users.is_active AND users.notify_by = 'email' "
                "AND users.email <> '' GROUP BY u.code ORDER BY u.code"
            )
        ).all()
    if not rows:
        raise SystemExit("no official with an e-mail: the demo accounts are missing")
    return [(code, count) for code, count in rows]


def last_notification_id(url):
    with connection_to(url) as connection:
        return connection.execute(text("SELECT coalesce(max(id), 0) FROM notifications")).scalar()


def notification_rows(url, after):
    """{id: (template, status, attempts)} of the notifications written after id `after`."""
    with connection_to(url) as connection:
        query = text("SELECT id, template, status, attempts FROM notifications WHERE id > :after")
        return {row.id: (row.template, row.status, row.attempts) for row in connection.execute(query, {"after": after})}


# --- one run ----------------------------------------------------------------------------------------


def submissions(mode, prefix, count, communes):
    """Questions to the communes in turn, each with its own e-mail address (which means: tell me by e-mail)."""
    jobs = []
    for number in range(count):
        payload = {
            "kind": "question",
            "unit": communes[number % len(communes)][0],
            "text": f"{TEXTS[number % len(TEXTS)]} (Phiếu thử số {prefix}{number}.)",
            "email": f"nguoidan.{mode}.{prefix}{number}@example.vn",
            "consent": True,
        }
        jobs.append(("POST", "/api/v1/feedback", payload, payload))
    return jobs


def created(status, body, payload):
    if status != 201:
        return status
    try:
        return None if json.loads(body).get("tracking_code") else "201 without a tracking code"
    except ValueError:
        return "bad 201 body"


def wait_for_mail(url, smtp, after, received_before, worker, deadline):
    """Wait until the notifications written after id `after` are sent and as many mails arrived; return them."""
    while True:
        rows = notification_rows(url, after)
        arrived = smtp.count.value - received_before
        if arrived >= len(rows) and all(status == "sent" for _, status, _ in rows.values()):
            return rows
        if time.monotonic() > deadline or worker.process.poll() is not None:
            return rows
        time.sleep(0.25 if arrived >= len(rows) else 0.5)


def log_problems(path):
    log = path.read_text(encoding="utf-8", errors="replace")
    return log.count("database is locked"), log.count("Traceback")


def run(mode, number, url, base_env, workdir, communes, args):
    """Serve, warm up, measure, wait for the last mail, stop; return the run's figures."""
    name = f"outbox {mode}" + (f" #{number}" if args.rounds > 1 else "")
    folder, port = workdir / name.replace(" ", "-").replace("#", ""), free_port()
    folder.mkdir()
    smtp = SmtpServer()
    env = dict(base_env)
    env.update(
        {
            "PORT": str(port),
            "PUBLIC_BASE_URL": f"http://{HOST}:{port}",
            "NOTIFICATIONS_ENABLED": "true" if mode == "on" else "false",
            "MAIL_SERVER": HOST,
            "MAIL_PORT": str(smtp.port),
            "MAIL_USE_TLS": "false",
            "TASKS_DIR": str(folder / "tasks"),
            "OUTBOX_DIR": str(folder / "outbox"),
        }
    )
    result = {"mode": mode, "name": name, "folder": folder, "started_with": last_notification_id(url), "mails": None}
    load_before = os.getloadavg()[0]
    server = Server(env, port, args, folder / "gunicorn.log")
    worker = Process([sys.executable, "-m", "flask", "--app", "app", "tasks", "worker"], env, folder / "worker.log")
    try:
        server.wait_ready("/api/v1/units?parent=24")
        print(f"\n{name}: gunicorn on {HOST}:{port}, flask tasks worker, SMTP on {HOST}:{smtp.port}", flush=True)
        if args.warmup:
            jobs = submissions(f"{mode}{number}", "w", args.warmup, communes)
            warm = send_all(HOST, port, jobs, min(10, args.concurrency), args.timeout, HEADERS, created)
            deadline = time.monotonic() + args.drain_timeout
            warm_rows = wait_for_mail(url, smtp, result["started_with"], 0, worker, deadline)
            print(f"  warm-up: {args.warmup} submissions ({warm.error_count} errors), {len(warm_rows)} mails")
        result["measured_after"], received_before = last_notification_id(url), smtp.count.value
        print(f"  submitting {args.submissions:,} from {args.concurrency} clients …", flush=True)
        result["jobs"] = submissions(f"{mode}{number}", "", args.submissions, communes)
        result["first_sent"] = time.monotonic()
        result["load"] = send_all(HOST, port, result["jobs"], args.concurrency, args.timeout, HEADERS, created)
        result["last_answer"] = time.monotonic()
        if mode == "on":
            print("  waiting for the last mail …", flush=True)
        deadline = result["last_answer"] + args.drain_timeout
        result["rows"] = wait_for_mail(url, smtp, result["measured_after"], received_before, worker, deadline)
        result["all_rows"] = notification_rows(url, result["started_with"])
    finally:
        worker.stop()
        server.stop()
        result["mails"] = smtp.stop()
    outbox = folder / "outbox"
    result["outbox_files"] = sum(1 for _ in outbox.rglob("*")) if outbox.exists() else 0
    result["logs"] = {name: log_problems(folder / f"{name}.log") for name in ("gunicorn", "worker")}
    result["load_average"] = (load_before, os.getloadavg()[0])
    return result


# --- the report -------------------------------------------------------------------------------------


def verify(result):
    """What was lost or doubled in a run (an empty list: nothing)."""
    problems, load, all_rows = [], result["load"], result["all_rows"]
    if load.error_count:
        errors = ", ".join(f"{key}: {count}" for key, count in load.errors.most_common())
        problems.append(f"{load.error_count} submissions not created ({errors})")
    if result["mails"] is None:
        return [*problems, "the SMTP server did not report what it received"]
    ids, _, recipients, unlabelled = result["mails"]
    if result["mode"] == "off":
        if all_rows or ids or unlabelled or result["outbox_files"]:
            problems.append(f"outbox off wrote {len(all_rows)} notifications, sent {sum(ids.values())} mails")
        return problems
    not_sent = Counter(status for _, status, _ in all_rows.values() if status != "sent")
    if not_sent:
        problems.append("notifications not sent: " + ", ".join(f"{s}: {n}" for s, n in not_sent.items()))
    counts = (
        (sum(1 for number in all_rows if ids[number] == 0), "rows never received"),
        (sum(1 for count in ids.values() if count > 1), "mails received more than once"),
        (sum(1 for number in ids if number not in all_rows), "mails of no row of this run"),
        (unlabelled, "mails without X-Congkhai-Notification"),
        (sum(1 for *_, job in result["jobs"] if recipients[job["email"]] != 1), "citizens without one receipt"),
    )
    return problems + [f"{count} {what}" for count, what in counts if count]


def print_mails(result):
    rows, (ids, arrivals, _, _) = result["rows"], result["mails"]
    templates = Counter(template for template, _, _ in rows.values())
    received = sum(count for number, count in ids.items() if number > result["measured_after"])
    described = ", ".join(f"{count:,} {template}" for template, count in sorted(templates.items()))
    print(f"\n{result['name']}: mails expected {len(rows):,} (the rows written: {described}), received {received:,}")
    arrivals = [at for number, at in arrivals.items() if number > result["measured_after"]]
    if arrivals:
        last, attempts = max(arrivals), max((attempts for *_, attempts in rows.values()), default=0)
        print(
            f"  first submission → last mail: {last - result['first_sent']:.1f} s; last answer → last mail: "
            f"{last - result['last_answer']:.1f} s; {received / (last - result['first_sent']):.1f} mails/s; "
            f"most attempts of a row: {attempts}"
        )


def rate(result):
    return result["load"].requests / result["load"].wall


def print_report(results, communes, args, url):
    print(f"\nIntake with the outbox off and on; {machine_line()}")
    officials = ", ".join(f"{code}: {count}" for code, count in communes)
    print(
        f"{database_label(url)}; gunicorn {args.workers} workers × {args.threads} thread(s) + flask tasks worker; "
        f"{args.concurrency} clients; {args.submissions:,} submissions per run after {args.warmup} warm-up; "
        f"communes (officials told by e-mail): {officials}\n"
    )
    header = ("run", "submissions", "errors", "subm/s", "p50 ms", "p95 ms", "p99 ms", "wall s", "load avg")
    rows = []
    for result in results:
        load, (before, after) = result["load"], result["load_average"]
        cells = (f"{load.requests}", f"{load.error_count}", f"{rate(result):.1f}", *latency_cells(load.latencies))
        rows.append((result["name"], *cells, f"{load.wall:.1f}", f"{before:.1f}→{after:.1f}"))
    print_rows(header, rows)
    ratios = sorted(rate(on) / rate(off) for off, on in zip(results[::2], results[1::2], strict=False) if not args.only)
    if ratios:
        ratio = ratios[(len(ratios) - 1) // 2]  # the median (the lower one of an even count)
        each = f" (median of {', '.join(f'{r:.3f}' for r in ratios)})" if len(ratios) > 1 else ""
        verdict = "MET" if ratio >= TARGET_RATIO else "MISSED"
        print(f"\nthroughput on/off: {ratio:.3f} ({(ratio - 1) * 100:+.1f}%){each}: within 10%: {verdict}")
    for result in results:
        if result["mode"] == "on" and result["mails"] is not None:
            print_mails(result)
    failed = False
    print()
    for result in results:
        problems = verify(result)
        failed = failed or bool(problems)
        if problems:
            status = "; ".join(problems)
        elif result["mode"] == "on":
            status = "0 lost: every submission 201, every notification sent, each received once, one receipt each"
        else:
            status = "0 lost: every submission 201; no notification written, no mail sent"
        logs = "; ".join(
            f"{name}: {locked} 'database is locked', {tracebacks} tracebacks"
            for name, (locked, tracebacks) in result["logs"].items()
        )
        print(f"{result['name']}: {status}\n  logs in {result['folder']}: {logs}")
    return 1 if failed else 0


def main(argv=None):
    args = parse_args(argv)
    url, workdir = prepare_workdir(
        args.database_url, "sqlite", False, parent="congkhai-notifications", clear_database_folder=True
    )
    env = server_env(url, workdir, 8000)
    env.update({"DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(), "FLASK_APP": "app"})
    print(f"Database: {database_label(url)}  ({workdir})")
    stop_on_sigterm()
    communes = prepare_database(url, env)
    results = []
    try:
        for number in range(1, args.rounds + 1):
            for mode in [args.only] if args.only else ["off", "on"]:
                results.append(run(mode, number, url, env, workdir, communes, args))
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    return print_report(results, communes, args, url)


if __name__ == "__main__":
    sys.exit(main())
