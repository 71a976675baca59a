"""Configuration, read from the environment once, at import of this file.

``create_app`` picks a class by name (``APP_ENV`` or an explicit argument) and may
override any key, which is how the tests point the app at a temporary database.
"""

import os
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))

DEFAULT_SECRET = "dev-only-change-me"
# Production refuses shorter secrets (app/__init__.py): a short key can be brute-forced
# from one signed session cookie.
MIN_SECRET_LENGTH = 32


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default=0):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _float(name, default=0.0):
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE / 'reclamations.db'}"
    # SQLAlchemy 2 maps a bare postgresql:// to psycopg2, which we do not ship.
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare):]
    return url


class Config:
    APP_NAME = "Réclamations"
    APP_THEME = ""
    # Logs on stderr: "plain" text or "json" (one object a line, for log collectors), at
    # LOG_LEVEL; every line logged while serving a request carries its id (X-Request-ID).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower() or "plain"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    INSTANCE_PATH = str(INSTANCE)
    # Attachments, letters' PDFs and the letterhead logo: a folder outside the web root
    # ("local") or the database ("database", shared by several application hosts).
    FILE_STORAGE = os.environ.get("FILE_STORAGE", "local").strip().lower() or "local"
    FILE_STORAGE_PATH = os.environ.get("FILE_STORAGE_PATH") or str(INSTANCE / "files")
    # One attached file at most this large; at most ATTACHMENT_MAX_FILES in one upload.
    ATTACHMENT_MAX_BYTES = _int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    ATTACHMENT_MAX_FILES = _int("ATTACHMENT_MAX_FILES", 10)
    # A whole request; unset, create_app derives it from the two above (plus the form).
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH") or None
    # Any other body (JSON on the API and the public API, a form without files): a body
    # larger than this is refused (413) before it is parsed.
    BODY_MAX_BYTES = _int("BODY_MAX_BYTES", 1024 * 1024)
    LOGO_MAX_BYTES = _int("LOGO_MAX_BYTES", 1024 * 1024)
    # Letters also as PDF, converted by LibreOffice (soffice on PATH, or SOFFICE_PATH).
    LETTERS_PDF = _bool("LETTERS_PDF")
    SOFFICE_PATH = os.environ.get("SOFFICE_PATH", "").strip() or None
    SOFFICE_TIMEOUT = _int("SOFFICE_TIMEOUT", 60)
    # A letter template renders (at upload and at every letter) in a process of its own,
    # stopped after this many seconds, with at most this many characters of output (the
    # document's XML) and this much memory (app/services/letter_render.py).
    LETTER_RENDER_SECONDS = _float("LETTER_RENDER_SECONDS", 5.0)
    LETTER_MAX_CHARS = _int("LETTER_MAX_CHARS", 5_000_000)
    LETTER_RENDER_MEMORY_MB = _int("LETTER_RENDER_MEMORY_MB", 512)

    # Alembic owns the schema; permissions are created by the release step only.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.ReclamationsSecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_ADD_SECURITY_API = True
    FAB_API_SWAGGER_UI = True
    # Scripts authenticate with a JWT (POST /api/v1/security/login) or an API key
    # ("Authorization: Bearer sst_…" or "X-API-Key: sst_…"); never with a cookie session.
    FAB_API_KEY_ENABLED = True
    FAB_API_MAX_PAGE_SIZE = 100
    # FAB's menu API serves its React front-ends, which the product does not use (and
    # its answers contradict its own OpenAPI document).
    FAB_ADD_MENU_API = False
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"

    # Languages: French first, English complete.
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = {
        "fr": {"flag": "fr", "name": "Français"},
        "en": {"flag": "gb", "name": "English"},
    }

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    PRODUCTION = False
    # Cookies are never sent with another site's form posts or never read by scripts.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Strict-Transport-Security max-age in seconds (0: no header; production sets a year).
    HSTS_SECONDS = 0
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted: without
    # it every client has the proxy's address, and the login limit below throttles all
    # users together.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES")

    # Login throttling (FAB with Flask-Limiter): POSTs to /login/ and to the REST login,
    # per client address. Memory storage is per process: with several gunicorn workers
    # share it (RATELIMIT_STORAGE_URI=redis://…, memcached://…).
    AUTH_RATE_LIMITED = _bool("AUTH_RATE_LIMITED", True)
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 20 second")
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    # Per account: after LOGIN_LOCK_AFTER failed sign-ins in a row the account waits
    # LOGIN_LOCK_SECONDS before its password is checked again, doubled at each further
    # failure up to LOGIN_LOCK_MAX_SECONDS (short: anyone can fail on someone's account);
    # its owner is emailed at the first lock. 0 turns it off.
    LOGIN_LOCK_AFTER = _int("LOGIN_LOCK_AFTER", 5)
    LOGIN_LOCK_SECONDS = _int("LOGIN_LOCK_SECONDS", 30)
    LOGIN_LOCK_MAX_SECONDS = _int("LOGIN_LOCK_MAX_SECONDS", 300)

    # Where to report a vulnerability (/.well-known/security.txt, SECURITY.md): an email
    # address or an https:// page of the operator's.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "security@example.org")

    # FAB lets ``psize_<View>`` grow without bound; views clamp to this.
    MAX_PAGE_SIZE = 100
    TRACKING_PREFIX = os.environ.get("TRACKING_PREFIX", "REC")

    ADMIN_USERNAME = os.environ.get("ADMIN_USERNAME", "admin")
    ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD")
    ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@example.org")

    SQLITE_BUSY_TIMEOUT_MS = 30000

    # Outgoing email (app/mailer.py). Without MAIL_SERVER nothing is sent: the emails stay
    # in the outbox, readable by admins, and leave once a server is configured.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "").strip() or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "reclamations@localhost")
    # Seconds before a silent SMTP server is given up: without it a dead server would
    # hang the delivery pass (and the scheduler) forever.
    MAIL_TIMEOUT = _float("MAIL_TIMEOUT", 10.0)
    # After this many failed attempts an email is marked failed (an admin can retry it).
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
    # Seconds an SMS provider has to answer one request (Configuration → SMS).
    SMS_TIMEOUT = _int("SMS_TIMEOUT", 10)
    # How often the scheduler runs each job, in seconds.
    SCHEDULER_OUTBOX_SECONDS = _int("SCHEDULER_OUTBOX_SECONDS", 60)
    SCHEDULER_REMINDERS_SECONDS = _int("SCHEDULER_REMINDERS_SECONDS", 60)
    SCHEDULER_RULES_SECONDS = _int("SCHEDULER_RULES_SECONDS", 300)
    SCHEDULER_DIGEST_SECONDS = _int("SCHEDULER_DIGEST_SECONDS", 900)
    # The trends job computes once a local day; this is how often it looks whether the
    # day has changed.
    SCHEDULER_TRENDS_SECONDS = _int("SCHEDULER_TRENDS_SECONDS", 3600)
    # Retraining of the suggested classification (a minute at 50,000 complaints).
    SCHEDULER_CLASSIFIER_SECONDS = _int("SCHEDULER_CLASSIFIER_SECONDS", 86400)
    SCHEDULER_EXPORTS_SECONDS = _int("SCHEDULER_EXPORTS_SECONDS", 10)
    SCHEDULER_IMPORTS_SECONDS = _int("SCHEDULER_IMPORTS_SECONDS", 10)
    # Configuration → Import runs a file of at most this many rows while the browser
    # waits; a larger one is imported in the background by the scheduler.
    IMPORT_WEB_SYNC_ROWS = _int("IMPORT_WEB_SYNC_ROWS", 1000)
    # Retention (app/services/retention.py): once a day, at most this many complaints
    # anonymised per batch.
    SCHEDULER_RETENTION_SECONDS = _int("SCHEDULER_RETENTION_SECONDS", 86400)
    RETENTION_BATCH = _int("RETENTION_BATCH", 200)
    # Excel exports of more rows than this run in the background ("My exports"); their
    # files are deleted this many days after they were written.
    EXPORT_BACKGROUND_ROWS = _int("EXPORT_BACKGROUND_ROWS", 50000)
    EXPORT_KEEP_DAYS = _int("EXPORT_KEEP_DAYS", 3)
    # GET /metrics (Prometheus): admins, or "Authorization: Bearer <METRICS_TOKEN>".
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip() or None
    # /health says the scheduler is late when no job finished for this many seconds.
    SCHEDULER_LATE_SECONDS = _int("SCHEDULER_LATE_SECONDS", 300)
    # Backups (flask --app run backup): the folder of the archives, and the daily job of the
    # scheduler, off unless BACKUP_SCHEDULE is a time of day ("02:30", server time), which
    # keeps the BACKUP_KEEP newest archives.
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(INSTANCE / "backups")
    BACKUP_SCHEDULE = os.environ.get("BACKUP_SCHEDULE", "").strip() or None
    BACKUP_KEEP = _int("BACKUP_KEEP", 7)
    # Complaints accepted by the public JSON API wait at most this long to be registered.
    SCHEDULER_INTAKE_SECONDS = _int("SCHEDULER_INTAKE_SECONDS", 5)
    # IMAP mailboxes (Configuration → Mailboxes): how often they are read, how long a
    # silent server is waited for, and the longest wait between tries of a failing one.
    SCHEDULER_MAILBOX_SECONDS = _int("SCHEDULER_MAILBOX_SECONDS", 60)
    MAILBOX_TIMEOUT = _float("MAILBOX_TIMEOUT", 15.0)
    MAILBOX_MAX_BACKOFF_SECONDS = _int("MAILBOX_MAX_BACKOFF_SECONDS", 3600)
    MAILBOX_BATCH = _int("MAILBOX_BATCH", 50)
    # Certificate authorities trusted for TLS and STARTTLS (default: the system's).
    MAILBOX_CA_FILE = os.environ.get("MAILBOX_CA_FILE") or None

    # Public portal: where complainants reach it (absolute links in emails; default: the
    # request's address, else http://HOST:PORT), how long a signed link stays valid, and
    # the per-address limit of submissions, replies and look-ups (form and JSON API).
    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = _int("PORT", 5000)
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip() or None
    PUBLIC_LINK_MAX_AGE_DAYS = _int("PUBLIC_LINK_MAX_AGE_DAYS", 90)
    PUBLIC_RATE_LIMIT = os.environ.get("PUBLIC_RATE_LIMIT", "10 per minute")
    PUBLIC_MAX_FILES = _int("PUBLIC_MAX_FILES", 5)


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key-long-enough-for-jwt-hmac-sha256"
    WTF_CSRF_ENABLED = False
    # Tests sign in many times from one address; the limiter has tests of its own.
    AUTH_RATE_LIMITED = False
    RATELIMIT_ENABLED = False
    # Tests fail sign-ins on the shared users; the lock has tests of its own.
    LOGIN_LOCK_AFTER = 0


class ProductionConfig(Config):
    # create_app refuses to start without a long SECRET_KEY of the operator's own.
    PRODUCTION = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    HSTS_SECONDS = _int("HSTS_SECONDS", 31536000)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
