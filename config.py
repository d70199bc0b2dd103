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


def _public_base_url():
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    return os.environ.get("PUBLIC_BASE_URL", f"http://{host}:{port}").rstrip("/")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
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
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
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


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"  # noqa: S105
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://congkhai.test"
    AUDIT_PUBLIC_SUMMARY_SECONDS = 0
    AUDIT_REPORT_CACHE_SECONDS = 0


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls):
        """Refuse to start production with the development secret."""
        if cls.SECRET_KEY in ("", "dev-only-not-secret") or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
