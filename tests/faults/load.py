"""The citizens' side of the fault tests: many clients submitting to POST /api/v1/feedback, each with its key.

A client that loses its connection, times out or gets a 5xx sends the same submission again with the
SAME Idempotency-Key, a bounded number of times, waiting longer each time; the figures count every
request, every answer by status and every retry by its cause. Loopback only.
"""

import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.faults.server import HOST

PATH = "/api/v1/feedback"
TEXTS = (
    "Đèn chiếu sáng đường liên thôn bị hỏng đã hai tuần, buổi tối rất tối và nguy hiểm.",
    "Cống thoát nước trước nhà văn hóa thôn bị tắc, nước ngập khi mưa.",
    "Đề nghị xã công khai danh sách hộ được hỗ trợ làm nhà năm nay.",
    "Xin hỏi lịch tiếp công dân của Chủ tịch UBND xã trong tháng này.",
)


@dataclass
class Submission:
    number: int
    key: str
    payload: dict
    attempts: int = 0
    status: object = None  # the last answer's status code, or the last failure's cause
    code: str | None = None  # the tracking code answered
    replayed: bool = False  # answered 200 with Idempotent-Replayed: true
    refusal: bytes = b""  # the body of a 4xx or 5xx answer, to show what went wrong


@dataclass
class Figures:
    submissions: int = 0
    clients: int = 0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)  # every answer received, by status code
    retries: Counter = field(default_factory=Counter)  # every retry, by its cause
    duration: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def by_class(self):
        classes = Counter()
        for status, count in self.statuses.items():
            classes[f"{status // 100}xx"] += count
        return classes

    def lines(self):
        classes = self.by_class()
        statuses = ", ".join(f"{status} × {count}" for status, count in sorted(self.statuses.items()))
        retries = ", ".join(f"{cause} × {count}" for cause, count in self.retries.most_common()) or "none"
        return [
            f"submissions {self.submissions} from {self.clients} clients in {self.duration:.1f} s "
            f"({self.submissions / self.duration:.1f}/s)",
            f"requests {self.requests}: 2xx {classes['2xx']}, 4xx {classes['4xx']}, 5xx {classes['5xx']} ({statuses})",
            f"retries {sum(self.retries.values())}: {retries}",
        ]


def make_payload(number, communes, rng):
    """A question or petition to a commune; a third give a name, phone and e-mail (a receipt is queued)."""
    payload = {
        "kind": rng.choice(("question", "petition")),
        "unit": rng.choice(communes),
        "text": f"{rng.choice(TEXTS)} (Phiếu thử lỗi số {number}.)",
    }
    if rng.random() < 0.3:
        payload.update(
            name="Nguyễn Thị Lan",
            phone=rng.choice(("090", "091", "097", "098", "086", "032")) + f"{rng.randrange(10**7):07d}",
            email=f"nguoidan{number}@example.vn",
            consent=True,
        )
    return payload


def make_submissions(count, communes, run_token, seed=16):
    rng = random.Random(seed)
    return [Submission(n, f"fault-{run_token}-{n:05d}", make_payload(n, communes, rng)) for n in range(count)]


def _failure_cause(error):
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return "connection dropped"


class Client:
    """One client thread's connection and its share of the submissions."""

    def __init__(self, port, figures, timeout, max_attempts, on_done):
        self.port = port
        self.figures = figures
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.on_done = on_done
        self.connection = None
        self.rng = random.Random()

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return self.connection

    def _drop_connection(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _send(self, submission):
        body = json.dumps(submission.payload, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": submission.key,
            "User-Agent": "congkhai-fault-test",
        }
        connection = self._connection()
        connection.request("POST", PATH, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Idempotent-Replayed"), response.read()

    def _pause(self, attempt):
        time.sleep(min(0.1 * 2 ** (attempt - 1), 2.0) * self.rng.uniform(0.5, 1.5))

    def submit(self, submission):
        for attempt in range(1, self.max_attempts + 1):
            submission.attempts = attempt
            with self.figures.lock:
                self.figures.requests += 1
            try:
                status, replayed, body = self._send(submission)
            except (OSError, http.client.HTTPException) as error:
                self._drop_connection()
                cause = _failure_cause(error)
                submission.status = cause
            else:
                submission.status = status
                with self.figures.lock:
                    self.figures.statuses[status] += 1
                if status in (200, 201):
                    submission.code = json.loads(body)["tracking_code"]
                    submission.replayed = replayed == "true"
                    break
                submission.refusal = body[:300]
                if status < 500:
                    break  # a refusal: sending it again would get the same
                cause = f"HTTP {status}"
            if attempt < self.max_attempts:
                with self.figures.lock:
                    self.figures.retries[cause] += 1
                self._pause(attempt)
        self.on_done()

    def run(self, submissions):
        try:
            for submission in submissions:
                self.submit(submission)
        finally:
            self._drop_connection()


def submit_all(port, submissions, clients, fault=None, fault_after=0, timeout=30.0, max_attempts=10):
    """Send every submission from `clients` threads (an equal share each); run `fault()` in a thread of its
    own once `fault_after` submissions are answered. Return the figures and what `fault` returned (or raised)."""
    figures = Figures(submissions=len(submissions), clients=clients)
    done = Counter()
    fault_result = {}

    def run_fault():
        try:
            fault_result["value"] = fault()
        except Exception as error:  # handed to the test, which fails with it
            fault_result["error"] = error

    fault_thread = threading.Thread(target=run_fault, daemon=True)

    def on_done():
        with figures.lock:
            done["answered"] += 1
            start_fault = fault is not None and done["answered"] == fault_after
        if start_fault:
            fault_thread.start()

    shares = [submissions[index::clients] for index in range(clients)]
    threads = [
        threading.Thread(target=Client(port, figures, timeout, max_attempts, on_done).run, args=(share,), daemon=True)
        for share in shares
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.duration = time.monotonic() - started
    if fault is not None and fault_thread.is_alive():
        fault_thread.join(timeout=120)
    if "error" in fault_result:
        raise fault_result["error"]
    return figures, fault_result.get("value")
