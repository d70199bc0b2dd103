"""Configuration read from the environment, with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url():
    url = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'congkhai.db'}")
    # Heroku-style URLs and bare "postgresql://" should use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def demo_encryption_key(instance_dir):
    """The demo's DATA_ENCRYPTION_KEY, made once under instance/ (by whichever process comes first)."""
    from cryptography.fernet import Fernet

    path = Path(instance_dir) / "data-encryption.key"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip()


def _public_base_url():
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    return os.environ.get("PUBLIC_BASE_URL", f"http://{host}:{port}").rstrip("/")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # `flask seed-demo` (accounts with a published password, private keys on disk): never in production.
    ALLOWS_DEMO = True
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A request whose database connection drops is run again for up to this many seconds (app/resilience.py).
    DB_RETRY_SECONDS = float(os.environ.get("DB_RETRY_SECONDS", 10))
    NOTICES_DIR = os.environ.get("NOTICES_DIR", str(BASE_DIR / "notices"))
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
    # A full rebuild: processes analysing notices (one index segment each), and the memory their
    # sort buffers share before postings spill to disk (about 200 bytes per posting, 350 postings a notice).
    SEARCH_REBUILD_PROCESSES = int(os.environ.get("SEARCH_REBUILD_PROCESSES", min(os.cpu_count() or 1, 4)))
    SEARCH_REBUILD_MEMORY_MB = int(os.environ.get("SEARCH_REBUILD_MEMORY_MB", 1024))
    PUBLIC_BASE_URL = _public_base_url()
    # Uploads: one attachment at most this many bytes; a request a little more.
    MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES + 1024 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Staff sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after signing in,
    # whatever the cookie says (the signed session carries both times). "Remember me" keeps the cookie
    # across browser restarts for the same absolute lifetime.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", 30))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", 12))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_MAX_HOURS)
    # Second factor (TOTP): staff without one are sent to enrol right after their password when required.
    REQUIRE_TWO_FACTOR = _env_bool("REQUIRE_TWO_FACTOR", False)
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "Công khai")
    # This many wrong passwords or codes in a row lock an account for LOCKOUT_MINUTES (with an audit entry).
    LOCKOUT_ATTEMPTS = int(os.environ.get("LOCKOUT_ATTEMPTS", 5))
    LOCKOUT_MINUTES = int(os.environ.get("LOCKOUT_MINUTES", 15))
    WTF_CSRF_TIME_LIMIT = None  # a form left open at the commune office must still submit

    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Citizens' submissions (form and API) and tracking-code lookups, per client IP.
    FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "10 per hour;30 per day")
    TRACKING_RATE_LIMIT = os.environ.get("TRACKING_RATE_LIMIT", "60 per hour")
    MAX_PHOTO_BYTES = int(os.environ.get("MAX_PHOTO_BYTES", 8 * 1024 * 1024))

    # Inspectors' figures: a unit is ranked only with at least this many items in the period;
    # the public summary on /units/<code> is recomputed at most this often (seconds; 0 = always);
    # a process reuses the reports of the audit pages and /api/v1/stats this long (they say when computed).
    AUDIT_RANKING_MIN_ITEMS = int(os.environ.get("AUDIT_RANKING_MIN_ITEMS", 10))
    AUDIT_PUBLIC_SUMMARY_SECONDS = int(os.environ.get("AUDIT_PUBLIC_SUMMARY_SECONDS", 600))
    AUDIT_REPORT_CACHE_SECONDS = int(os.environ.get("AUDIT_REPORT_CACHE_SECONDS", 300))

    NOTICES_PER_PAGE = 20

    # Background tasks (Huey): SQLite under TASKS_DIR by default, Redis when TASKS_URL=redis://….
    TASKS_URL = os.environ.get("TASKS_URL", "")
    TASKS_DIR = os.environ.get("TASKS_DIR", str(BASE_DIR / "instance"))
    TASKS_WORKERS = int(os.environ.get("TASKS_WORKERS", 2))
    # `flask tasks worker` lowers its own CPU priority by this much (os.nice): on a machine it shares
    # with the web workers, sending mail waits for idle moments instead of slowing citizens' requests.
    TASKS_WORKER_NICE = int(os.environ.get("TASKS_WORKER_NICE", 10))
    # The worker looks for due notifications this often (0: each commit that wrote one enqueues a task).
    OUTBOX_POLL_SECONDS = float(os.environ.get("OUTBOX_POLL_SECONDS", 1))

    # flask backup create DIR keeps the newest BACKUP_KEEP snapshots in DIR and deletes older ones (0: keep all).
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", 14))

    # Notifications. Recipients are encrypted at rest with DATA_ENCRYPTION_KEY (Fernet; several
    # comma-separated keys rotate: the first encrypts, all decrypt).
    DATA_ENCRYPTION_KEY = os.environ.get("DATA_ENCRYPTION_KEY", "")
    # Denouncers' identities are sealed to units' public keys (flask identity keygen). Where no unit above an
    # item has a key: "" refuses (production starts only with a key per province), "instance" makes one and
    # keeps it in IDENTITY_KEYS_DIR (demo only), "throwaway" makes one and drops its private half (tests).
    SEALING_KEY_FALLBACK = ""
    REQUIRE_SEALING_KEY = False
    IDENTITY_KEYS_DIR = os.environ.get("IDENTITY_KEYS_DIR", "")  # development's keys; "" = instance/keys
    NOTIFICATIONS_ENABLED = _env_bool("NOTIFICATIONS_ENABLED", True)  # false: write no notifications at all
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(BASE_DIR / "instance" / "outbox"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Công khai <no-reply@congkhai.local>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", 10))
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "log")  # log | http
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
    ZALO_ZNS_URL = os.environ.get("ZALO_ZNS_URL", "")
    ZALO_ZNS_TOKEN = os.environ.get("ZALO_ZNS_TOKEN", "")
    GATEWAY_TIMEOUT = float(os.environ.get("GATEWAY_TIMEOUT", 10))
    # A delivery is tried this many times, waiting these many minutes between tries (then "failed").
    DELIVERY_RETRY_MINUTES = (1, 2, 5, 10, 20, 30)


class DevelopmentConfig(Config):
    DEBUG = False
    MAKE_DEMO_ENCRYPTION_KEY = True  # no DATA_ENCRYPTION_KEY: one is made under instance/ (demo only)
    # No identity key above a unit: make one for the top unit, its private half in instance/keys (demo only).
    SEALING_KEY_FALLBACK = "instance"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"  # noqa: S105
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://congkhai.test"
    AUDIT_PUBLIC_SUMMARY_SECONDS = 0
    AUDIT_REPORT_CACHE_SECONDS = 0
    DATA_ENCRYPTION_KEY = "3tqc1H1WcY4mXv2yq7I3Yl9n0cSg7cKDh3wM2s1aQyE="  # a fixed test key, never used elsewhere
    TASKS_IMMEDIATE = True  # tasks run in the request's process, as soon as they are enqueued
    REQUIRE_TWO_FACTOR = False  # tests that need it turn it on
    SEALING_KEY_FALLBACK = "throwaway"  # a test without keys seals to a key nobody holds
    # Argon2id still, at 1 MiB and one pass (about 1 ms instead of 60): the suite signs in thousands of times.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    REQUIRE_TWO_FACTOR = _env_bool("REQUIRE_TWO_FACTOR", True)  # on unless REQUIRE_TWO_FACTOR=false
    # Serving refuses to start unless every province has a key sealing denouncers' identities.
    REQUIRE_SEALING_KEY = True
    ALLOWS_DEMO = False

    @classmethod
    def check(cls):
        """Refuse to start production with the development secret."""
        if cls.SECRET_KEY in ("", "dev-only-not-secret") or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters")
        if not cls.DATA_ENCRYPTION_KEY:
            raise RuntimeError(
                "DATA_ENCRYPTION_KEY must be set (a Fernet key: notifications' recipients are encrypted)"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
