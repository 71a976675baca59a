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


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    INSTANCE_PATH = str(INSTANCE)
    FILES_PATH = str(INSTANCE / "files")

    # Alembic owns the schema; permissions are created by the release step only.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.ReclamationsSecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_ADD_SECURITY_API = True
    FAB_API_SWAGGER_UI = True
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

    # FAB lets ``psize_<View>`` grow without bound; views clamp to this.
    MAX_PAGE_SIZE = 100
    TRACKING_PREFIX = os.environ.get("TRACKING_PREFIX", "REC")

    ADMIN_USERNAME = os.environ.get("ADMIN_USERNAME", "admin")
    ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD")
    ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@example.org")

    SQLITE_BUSY_TIMEOUT_MS = 30000


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
