"""The app served the way `make run` serves it (gunicorn, 2 sync workers, the Procfile's `web`), on loopback.

Each served app has its own folder (files, search index, task queue, outbox, the server's log), its
own free port on 127.0.0.1, rate limits off (every client is one IP) and DB_RETRY_SECONDS at its default.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Variables of the caller's environment that would point the server elsewhere or change what is tested.
CLEARED = ("DATABASE_URL", "DB_RETRY_SECONDS", "FLASK_CONFIG", "TASKS_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def folders(base):
    base = Path(base)
    return {
        "NOTICES_DIR": str(base / "notices"),
        "SEARCH_INDEX_DIR": str(base / "search_index"),
        "OUTBOX_DIR": str(base / "outbox"),
        "TASKS_DIR": str(base),
    }


def prepare_database(url, base):
    """Migrate a fresh database and load province 24's communes (as `flask db upgrade; flask units load`)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.accounts.units import load_province
    from app.extensions import db

    settings = {key: value for key, value in folders(base).items() if key != "TASKS_DIR"}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, **settings)
    with app.app_context():
        upgrade()
        load_province()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _parent_of(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (command) state ppid …": the command may hold spaces and parentheses.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _socket_inodes(pid):
    inodes = set()
    try:
        for descriptor in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(descriptor)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:  # the process ended meanwhile
        pass
    return inodes


def _established_inodes(port):
    """The inodes of the TCP connections accepted on `port` (state ESTABLISHED), from /proc/net/tcp."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":
                inodes.add(fields[9])
    return inodes


class ServedApp:
    """gunicorn serving `app:create_app()` with the development settings of `make run`; stopped with SIGTERM."""

    def __init__(self, database_url, base, workers=2):
        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.workers = workers
        self.log_path = self.base / "gunicorn.log"
        env = {key: value for key, value in os.environ.items() if key not in CLEARED}
        env.update(folders(self.base))
        env.update(
            {
                "DATABASE_URL": database_url,
                "FLASK_CONFIG": "development",
                "SECRET_KEY": secrets.token_hex(32),
                "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                "RATELIMIT_ENABLED": "false",
                "PUBLIC_BASE_URL": f"http://{HOST}:{self.port}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{HOST}:{self.port}"]
        command += ["--access-logfile", "-", "app:create_app()"]
        self._log = open(self.log_path, "w")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def get(self, path, timeout=30):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_ready(self, path, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, body = self.get(path)
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return body
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}\n{self.log_tail()}")
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def worker_pids(self):
        """The live workers of the gunicorn master (its child processes)."""
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _parent_of(entry.name) == master:
                pids.append(int(entry.name))
        return sorted(pids)

    def busy_worker(self):
        """A worker that holds a client's connection (it is reading, handling or answering a request), or None."""
        connections = _established_inodes(self.port)
        for pid in self.worker_pids():
            if _socket_inodes(pid) & connections:
                return pid
        return None

    def kill_worker(self, timeout=10):
        """SIGKILL a worker in the middle of a request (any worker if none is seen busy in time).

        Return (its pid, whether it held a client's connection).
        """
        deadline = time.monotonic() + timeout
        pid = self.busy_worker()
        while pid is None and time.monotonic() < deadline:
            time.sleep(0.002)
            pid = self.busy_worker()
        was_busy = pid is not None
        if pid is None:
            pid = next(iter(self.worker_pids()), None)
        if pid is None:
            raise RuntimeError("gunicorn has no worker to kill")
        os.kill(pid, signal.SIGKILL)
        return pid, was_busy

    def wait_for_workers(self, excluding, timeout=60):
        """Wait until gunicorn runs its full count of workers again, none of them `excluding`; return their pids."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = [pid for pid in self.worker_pids() if pid not in excluding]
            if len(pids) >= self.workers:
                return pids
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not restart its worker within {timeout} s")

    def log_text(self):
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
