"""The load client of the gunicorn benchmarks and their tables: send requests from threads, time them, print.

Imported by notice_pages.py, audit.py and feedback_load.py; the report's percentile and machine line by search.py.
Loopback only: `fire` and `measure` talk to 127.0.0.1.
"""

import http.client
import json
import os
import platform
import queue
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from _common import HOST, ROOT, Server, stop_on_sigterm

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
    errors: Counter = field(default_factory=Counter)  # status code, reason or exception name -> count
    samples: list = field(default_factory=list)  # a few wrong answers, to show what went wrong
    wall: float = 0.0

    @property
    def requests(self):
        return len(self.latencies) + sum(count for key, count in self.errors.items() if isinstance(key, str))

    @property
    def error_count(self):
        return sum(self.errors.values())


# --- the load client --------------------------------------------------------------------------------


def send_all(host, port, jobs, concurrency, timeout, headers, check):
    """Send every job with `concurrency` threads, each on its own keep-alive connection; return a Measurement.

    A job is (method, path, JSON body or None, context); `check(status, body, context)` returns None when the
    answer is right, or a short reason when it is not (counted as an error).
    """
    work = queue.SimpleQueue()
    for job in jobs:
        work.put(job)
    measurement = Measurement()
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        latencies, sizes, errors, samples = [], [], Counter(), []
        while True:
            try:
                method, path, body, context = work.get_nowait()
            except queue.Empty:
                break
            request_headers, encoded = dict(headers), None
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
            sizes.append(len(answer))
            problem = check(response.status, answer, context)
            if problem is not None:
                errors[problem] += 1
                if len(samples) < 3:
                    samples.append(f"{method} {path} → {response.status}: {answer[:200].decode('utf-8', 'replace')}")
            if response.will_close:
                connection.close()
        connection.close()
        with lock:
            measurement.latencies.extend(latencies)
            measurement.sizes.extend(sizes)
            measurement.errors.update(errors)
            measurement.samples.extend(samples[: max(0, 5 - len(measurement.samples))])

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measurement.wall = time.perf_counter() - started
    return measurement


def status_2xx(status, body, context):
    """Count any answer outside 2xx as an error, by its status."""
    return None if 200 <= status < 300 else status


def fire(port, paths, concurrency, timeout, headers=None):
    """GET every path with `concurrency` threads, each on its own keep-alive connection."""
    jobs = [("GET", path, None, None) for path in paths]
    return send_all(HOST, port, jobs, concurrency, timeout, {**BASE_HEADERS, **(headers or {})}, status_2xx)


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


def serve_and_measure(env, port, args, log_path, rng, make_targets, note=""):
    """Start gunicorn, measure the targets `make_targets(port)` returns once it answers, stop it; return the results.

    Ctrl-C ends the measuring early (the targets measured so far are returned); gunicorn is stopped whatever happens.
    """
    stop_on_sigterm()
    server = Server(env, port, args, log_path)
    results = []
    try:
        server.wait_ready()
        print(
            f"\ngunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} thread(s); client: "
            f"{args.concurrency} threads, {args.requests} requests per target after {args.warmup} warm-up requests"
            + note
        )
        measure(port, make_targets(port), args, rng, results)
    except KeyboardInterrupt:
        print("\nInterrupted; stopping gunicorn.")
    finally:
        server.stop()
    return results


# --- the report ---------------------------------------------------------------------------------------


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def latency_cells(latencies):
    """p50, p95 and p99 of latencies in seconds, as milliseconds for a table."""
    return tuple(f"{percentile(latencies, fraction) * 1000:.1f}" for fraction in (0.50, 0.95, 0.99))


def print_rows(header, rows):
    """Print a table: the first column left-aligned, the others right-aligned, a rule under the header."""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for number, row in enumerate([header, *rows]):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def print_table(results):
    header = ("target", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "mean bytes")
    rows = []
    for name, measurement in results:
        rate = measurement.requests / measurement.wall if measurement.wall else 0.0
        mean_size = sum(measurement.sizes) / len(measurement.sizes) if measurement.sizes else 0
        rows.append(
            (
                name,
                f"{measurement.requests}",
                f"{measurement.error_count}",
                f"{rate:.1f}",
                *latency_cells(measurement.latencies),
                f"{mean_size:,.0f}",
            )
        )
    print_rows(header, rows)
    failing = [(name, measurement.errors) for name, measurement in results if measurement.errors]
    if failing:
        print("\nErrors (non-2xx status or exception: count):")
        for name, errors in failing:
            print(f"  {name}: " + ", ".join(f"{key}: {count}" for key, count in errors.most_common()))


def print_report(results, what):
    """Print what was measured on which machine, then the table; nothing if no target was measured."""
    if results:
        print(f"\n{what}; {machine_line()}\n")
        print_table(results)


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
