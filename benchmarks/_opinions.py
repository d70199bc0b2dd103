"""The pieces of benchmarks/consultation.py: the worker process, the plan of opinions, the page readers, the
codes read from the development SMS log, and the check of the database afterwards.

Imported by consultation.py (run as a script, so this folder is on sys.path). Loopback only.
"""

import hashlib
import hmac
import http.client
import json
import random
import re
import sys
import threading
import time
from collections import Counter

from _common import HOST, Process, connection_to
from _load import Measurement
from sqlalchemy import text

HEADERS = {"User-Agent": "congkhai-consultation-benchmark", "Accept": "application/json", "Connection": "keep-alive"}
PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "035", "038", "086", "088")
CODE_LINE = re.compile(r"\t(\+84\d{9})\t.*?\b(\d{6})\b")
COMMENTS = (
    "Đồng ý với phương án, đề nghị chi trả bồi thường trước khi thi công.",
    "Đề nghị làm rãnh thoát nước hai bên đường.",
    "Khu tái định cư cần có điện, nước sạch trước khi các hộ chuyển đến.",
    "",
    "",
)


def start_worker(env, log_path):
    """`flask tasks worker` in its own process group (the Procfile's `worker`), its output in `log_path`."""
    return Process([sys.executable, "-m", "flask", "--app", "app", "tasks", "worker"], env, log_path)


# --- the plan ---------------------------------------------------------------------------------------


def plan(args, choices, villages):
    """[(e164, payload)] of every opinion: distinct phones, a share of them sending a second opinion at once
    (the two side by side, so that two clients send them together)."""
    rng = random.Random(args.seed)
    seconds = int(args.opinions * args.twice)
    phones = set()
    while len(phones) < args.opinions - seconds:
        phones.add("+84" + rng.choice(PREFIXES)[1:] + f"{rng.randrange(10**7):07d}")
    phones = sorted(phones)
    rng.shuffle(phones)
    twice = set(phones[:seconds])
    rng.shuffle(phones)
    opinions = []
    for phone in phones:
        for _ in range(2 if phone in twice else 1):
            opinions.append((phone, _payload(rng, phone, choices, villages)))
    return opinions


def batches(opinions, size):
    """Slices of about `size` opinions that never split a phone's two opinions (codes stay fresh: 10 minutes)."""
    batch = []
    for index, (phone, payload) in enumerate(opinions):
        if len(batch) >= size and batch[-1][1][0] != phone:
            yield batch
            batch = []
        batch.append((index, (phone, payload)))
    if batch:
        yield batch


def merged(measurements):
    """One Measurement of several phases run one after the other."""
    total = Measurement()
    for measurement in measurements:
        total.latencies += measurement.latencies
        total.sizes += measurement.sizes
        total.errors.update(measurement.errors)
        total.wall += measurement.wall
    return total


def _payload(rng, phone, choices, villages):
    payload = {"phone": "0" + phone[3:], "choice": rng.choice(choices)}
    comment = rng.choice(COMMENTS)
    if comment:
        payload["comment"] = comment
    if villages and rng.random() < 0.8:
        payload["village"] = rng.choice(villages)
    return payload


# --- the client -------------------------------------------------------------------------------------


def get_json(port, path, timeout):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


def read_codes(path):
    """{e164: [codes, in the order they were written]} from the development SMS log."""
    codes = {}
    if path.exists():
        for number, code in CODE_LINE.findall(path.read_text(encoding="utf-8")):
            codes.setdefault(number, []).append(code)
    return codes


def wait_for_codes(path, wanted, worker, deadline):
    while True:
        codes = read_codes(path)
        if sum(len(codes.get(phone, [])) for phone in wanted) >= sum(wanted.values()) or time.monotonic() > deadline:
            return codes
        if worker.process.poll() is not None:
            raise SystemExit(f"the worker stopped; see {worker.log_path}")
        time.sleep(0.5)


class Readers:
    """Threads loading the notice page until stopped; their latencies."""

    def __init__(self, port, path, count, timeout):
        self.port, self.path, self.timeout = port, path, timeout
        self.latencies, self.errors, self.lock, self.stopped = [], Counter(), threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(count)]

    def read(self):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        while not self.stopped.is_set():
            started = time.perf_counter()
            try:
                connection.request("GET", self.path, headers={"Accept-Encoding": "identity"})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                with self.lock:
                    self.errors[type(error).__name__] += 1
                connection.close()
                continue
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                if response.status != 200:
                    self.errors[response.status] += 1
            if response.will_close:
                connection.close()
        connection.close()

    def __enter__(self):
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join()
        self.wall = time.perf_counter() - self.started


# --- the check --------------------------------------------------------------------------------------


def phone_hash(secret, e164):
    """The app's keyed hash of a phone (app/consultations/identity.py), from the server's SECRET_KEY."""
    return hmac.new(secret.encode(), f"consultation-phone:{e164}".encode(), hashlib.sha256).hexdigest()


def database_state(url, consultation_id):
    with connection_to(url) as connection:
        rows = connection.execute(
            text("SELECT phone_hash, choice FROM opinions WHERE consultation_id = :id"), {"id": consultation_id}
        ).all()
        revisions = connection.execute(
            text(
                "SELECT count(*) FROM opinion_revisions r JOIN opinions o ON o.id = r.opinion_id "
                "WHERE o.consultation_id = :id"
            ),
            {"id": consultation_id},
        ).scalar()
    return rows, revisions


def verify(state_before, state_after, accepted, opinions, secret, api_total):
    """The problems found (an empty list: nothing lost, nothing doubled)."""
    rows_before, revisions_before = state_before
    rows, revisions = state_after
    problems = []
    by_hash = Counter(row.phone_hash for row in rows)
    doubled = sum(1 for count in by_hash.values() if count > 1)
    stored = {row.phone_hash: row.choice for row in rows}
    sent = {}
    for index in accepted:
        phone, payload = opinions[index]
        sent.setdefault(phone, []).append(payload["choice"])
    lost = [phone for phone in sent if phone_hash(secret, phone) not in stored]
    wrong = [
        phone
        for phone, choices in sent.items()
        if len(choices) == 1 and stored.get(phone_hash(secret, phone)) != choices[0]
    ]
    if lost:
        problems.append(f"{len(lost)} accepted opinions lost")
    if doubled:
        problems.append(f"{doubled} phones with more than one opinion")
    if wrong:
        problems.append(f"{len(wrong)} phones whose stored choice is not the one they sent")
    if len(rows) - len(rows_before) != len(sent):
        problems.append(f"{len(rows) - len(rows_before)} new opinion rows for {len(sent)} phones accepted")
    if revisions - revisions_before != len(accepted):
        problems.append(f"{revisions - revisions_before} history rows for {len(accepted)} opinions accepted")
    if api_total != len(rows):
        problems.append(f"the API's total {api_total} ≠ {len(rows)} opinion rows")
    return problems, doubled, len(lost)
