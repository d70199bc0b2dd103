"""A PostgreSQL cluster of the test's own: `initdb` into a temporary folder, its own port, started and stopped.

Never the shared server the other tests use (127.0.0.1:5432): this one listens on a free port of 127.0.0.1,
its socket and data live in a folder made for it, and it is deleted at the end. As root, the server's
binaries run as the postgres user through `runuser`, and the folder belongs to that user.
"""

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.faults.server import HOST, free_port

REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
SEARCHED = "`pg_config --bindir` and /usr/lib/postgresql/*/bin"


def _pg_config_bindir():
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None


def _debian_bindirs():
    def version(folder):
        name = folder.parent.name
        return int(name) if name.isdigit() else 0

    return sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)


def find_bindir():
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates = [_pg_config_bindir(), *_debian_bindirs()]
    for folder in filter(None, candidates):
        if all((Path(folder) / name).is_file() for name in REQUIRED_BINARIES):
            return Path(folder)
    return None


def missing_binaries_message():
    return (
        f"The fault tests need the PostgreSQL server binaries ({', '.join(REQUIRED_BINARIES)}) to start a "
        f"private cluster, and found none under {SEARCHED}. Install the server "
        "(Debian: apt-get install postgresql); CI has it."
    )


class PrivateCluster:
    """One PostgreSQL server in a temporary folder on a free loopback port; `postgres` connects without a password."""

    def __init__(self, bindir):
        self.bindir = Path(bindir)
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="congkhai-faults-pg-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "server.log"
        self._as_user = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: the folder is handed to the postgres user, who runs it.
            try:
                account = pwd.getpwnam("postgres")
            except KeyError as error:
                raise RuntimeError("running as root, but there is no 'postgres' user to run the cluster") from error
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self.running = False

    def _run(self, binary, *arguments, timeout=120):
        command = [*self._as_user, str(self.bindir / binary), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{binary} {' '.join(arguments)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                + self.log_tail()
            )
        return done.stdout

    def log_tail(self, lines=20):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n--- server log ---\n" + "\n".join(text.splitlines()[-lines:])

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
        return self

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -k {self.folder} "
            "-c fsync=off -c shared_buffers=32MB -c max_connections=40"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "-t", "60", "start")
        self.running = True
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def restart(self, pause):
        """Stop (fast: every session is cut), stay down `pause` seconds, start; return how long it was down."""
        started = time.monotonic()
        self.stop("fast")
        time.sleep(pause)
        self.start()
        return time.monotonic() - started

    def url(self, database):
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/{database}"

    def create_database(self, name):
        """A new, empty database; return its SQLAlchemy URL."""
        with psycopg.connect(host=HOST, port=self.port, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self):
        if self.running:
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.SubprocessError):
                self._kill_postmaster()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _kill_postmaster(self):
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
