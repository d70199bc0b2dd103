"""Real servers on 127.0.0.1 for the outbox's channels (a pytest plugin: tests/conftest.py loads it).

- `smtp_server`: an aiosmtpd SMTP server on a free port. `.messages` holds every mail received, parsed
  (email.message.EmailMessage, policy.default); `.envelopes` the matching (mail_from, rcpt_tos) pairs,
  `.peers` the client address and port each came from (one per connection);
  `.config` the MAIL_* settings that point an app at it. `.stop()` takes it down (connections are
  refused), `.start()` brings it back on the same port; `.answer` (e.g. "451 4.3.0 Try later") makes it
  refuse mail, `.refused.add(address)` a recipient; `.credentials = ("user", "secret")` makes it accept
  that login (recorded in `.logins`).
- `sms_gateway`, `zalo_gateway`: JSON HTTP stubs in a thread. `.requests` holds every POST received
  (`.json`, `.headers` with lower-case names, `.path`); `.fail(status)` answers an error status,
  `zalo_gateway.refuse(error=-124)` answers HTTP 200 with a ZNS error, `.succeed()` the default again;
  `.config` the settings that point an app at it.
Both wait for asynchronous deliveries with `.wait_for(count, timeout=5)`.
"""

import json
import socket
import socketserver
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port():
    """A TCP port nobody listens on right now, on the loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class SmtpServer:
    """An aiosmtpd server on HOST and a fixed port; it can be stopped and started again on that port."""

    def __init__(self, port=None):
        self.host = HOST
        self.port = port or free_port()
        self.messages = []  # parsed EmailMessage, in order of arrival
        self.envelopes = []  # (mail_from, [rcpt_to, …]) for each message
        self.raw = []  # the bytes received, for each message
        self.peers = []  # the client's (address, port) of each message: one per connection it came over
        self.logins = []  # (user, password) of each successful AUTH
        self.answer = "250 OK"  # the reply to DATA; an error code refuses the mail (not recorded)
        self.credentials = None  # (user, password) accepted by AUTH; None: every AUTH fails
        self.refused = set()  # recipients answered "550 … <address>: Recipient address rejected"
        self._lock = threading.Lock()
        self._controller = None

    @property
    def config(self):
        """The settings that send an app's mail here: plain SMTP on loopback, no login."""
        return {
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USERNAME": "",
            "MAIL_PASSWORD": "",
            "MAIL_TIMEOUT": 5,
        }

    @property
    def is_running(self):
        return self._controller is not None

    def start(self):
        if self._controller is None:
            controller = Controller(
                self,
                hostname=self.host,
                port=self.port,
                authenticator=self._authenticate,
                auth_require_tls=False,
                server_hostname="localhost",
                ready_timeout=5,
            )
            controller.start()
            self._controller = controller
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self):
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()
            self.raw.clear()
            self.peers.clear()

    def wait_for(self, count, timeout=5):
        """Wait until at least `count` messages have arrived; return the messages."""
        _wait(lambda: len(self.messages) >= count, timeout, f"{count} mails (got {len(self.messages)})")
        return list(self.messages)

    def to(self, address):
        """The messages whose envelope was addressed to `address`."""
        with self._lock:
            return [m for m, (_, rcpt) in zip(self.messages, self.envelopes, strict=True) if address in rcpt]

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if not self.answer.startswith("250"):
            return self.answer
        data = envelope.original_content or envelope.content
        with self._lock:
            self.raw.append(data)
            self.peers.append(session.peer)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(message_from_bytes(data, policy=policy.default))
        return "250 OK"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword) or self.credentials is None:
            return AuthResult(success=False, handled=False)
        given = (auth_data.login.decode(), auth_data.password.decode())
        if given != tuple(self.credentials):
            return AuthResult(success=False, handled=False)
        self.logins.append(given)
        return AuthResult(success=True)


class LoopbackHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer without the reverse DNS lookup of its address (getfqdn) when it binds."""

    daemon_threads = True

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


@dataclass
class GatewayRequest:
    path: str
    headers: dict  # lower-case header names
    body: bytes
    json: object  # the parsed body, None when it is not JSON


class GatewayStub:
    """A JSON HTTP endpoint on HOST, in a thread, recording each POST and answering as it is told."""

    def __init__(self, path, default_answer, settings):
        self.path = path
        self.token = "test-token-" + path.strip("/")
        self.requests = []
        self.delay = 0.0  # seconds to wait before answering (timeouts)
        self._default_answer = default_answer
        self._settings = settings
        self.status, self.answer = 200, dict(default_answer)
        self._lock = threading.Lock()
        self._server = LoopbackHTTPServer((HOST, 0), self._handler_class())
        self.port = self._server.server_address[1]
        self.url = f"http://{HOST}:{self.port}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def config(self):
        """The settings that point an app at this stub."""
        return self._settings(self)

    @property
    def last(self):
        return self.requests[-1] if self.requests else None

    def answer_with(self, status=200, body=None):
        """Answer every following POST with `status` and the JSON `body`."""
        self.status, self.answer = status, body

    def fail(self, status=503):
        """Answer with an HTTP error status."""
        self.answer_with(status, {"error": "unavailable"})

    def refuse(self, error=-124, message="Access token is invalid"):
        """Answer HTTP 200 with a ZNS error code (Zalo's way of refusing)."""
        self.answer_with(200, {"error": error, "message": message})

    def succeed(self):
        self.answer_with(200, dict(self._default_answer))

    def clear(self):
        with self._lock:
            self.requests.clear()

    def wait_for(self, count, timeout=5):
        """Wait until at least `count` POSTs have arrived; return the requests."""
        _wait(lambda: len(self.requests) >= count, timeout, f"{count} requests (got {len(self.requests)})")
        return list(self.requests)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _record(self, request):
        with self._lock:
            self.requests.append(request)

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    parsed = json.loads(body.decode("utf-8"))
                except ValueError:
                    parsed = None
                headers = {name.lower(): value for name, value in self.headers.items()}
                stub._record(GatewayRequest(self.path, headers, body, parsed))
                if stub.delay:
                    time.sleep(stub.delay)
                answer = b"" if stub.answer is None else json.dumps(stub.answer).encode()
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args):  # quiet
                pass

        return Handler


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (see SmtpServer); point the app at it with `smtp_server.config`."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def sms_gateway():
    """A local SMS gateway: `app.config.update(sms_gateway.config)` selects SMS_BACKEND=http and it."""
    stub = GatewayStub(
        "/sms",
        {"status": "queued", "id": "sms-1"},
        lambda stub: {"SMS_BACKEND": "http", "SMS_GATEWAY_URL": stub.url, "SMS_GATEWAY_TOKEN": stub.token},
    )
    yield stub
    stub.close()


@pytest.fixture
def zalo_gateway():
    """A local Zalo ZNS endpoint: `app.config.update(zalo_gateway.config)` points ZALO_ZNS_* at it."""
    stub = GatewayStub(
        "/zns",
        {"error": 0, "message": "Success", "data": {"msg_id": "zns-1"}},
        lambda stub: {"ZALO_ZNS_URL": stub.url, "ZALO_ZNS_TOKEN": stub.token},
    )
    yield stub
    stub.close()
