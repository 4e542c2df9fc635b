"""Settings, driven by the environment so one build runs in development, tests and production.

Environment: DATABASE_URL, WORKLENS_DATA_DIR, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_HOST,
EMAIL_PORT, DEFAULT_FROM_EMAIL, WORKLENS_ENCRYPTION_KEY, WORKLENS_LATEST_AGENT_VERSION,
WORKLENS_AGENT_DOWNLOAD_URL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from worklens_server import __version__ as SERVER_VERSION
from worklens_server.accounts.ratelimits import login_failed_rate

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("WORKLENS_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _env_bool("DEBUG", False)


def _secret_key_from_data_dir() -> str:
    """A random key kept beside the data it protects (mode 0600), created on first start.

    A key that ships in the source would make the screenshots' encryption at rest worthless,
    so an installation without SECRET_KEY gets its own instead of a well-known default.
    """
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written whole under a temporary name, then linked: processes starting together
        # (server, worker) agree on one key and never read a half-written file.
        draft = DATA_DIR / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _secret_key_from_data_dir()
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS.append("testserver")

#: Fernet key for screenshots at rest; derived from SECRET_KEY when not given.
WORKLENS_ENCRYPTION_KEY = os.environ.get("WORKLENS_ENCRYPTION_KEY", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "worklens_server.accounts",
    "worklens_server.companies",
    "worklens_server.projects",
    "worklens_server.devices",
    "worklens_server.policies",
    "worklens_server.tracking",
    "worklens_server.ingest",
    "worklens_server.reports",
    "worklens_server.timesheets",
    "worklens_server.insights",
    "worklens_server.privacy",
    "worklens_server.invitations",
    "worklens_server.operations",
    "worklens_server.notifications",
    "worklens_server.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "worklens_server.companies.middleware.RequireManagerTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "worklens_server.urls"
ASGI_APPLICATION = "worklens_server.asgi.application"
WSGI_APPLICATION = "worklens_server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "worklens_server.companies.context_processors.viewer_role",
            ],
        },
    },
]

# SQLite: WAL so readers never block the writer, IMMEDIATE transactions so concurrent writers
# queue on busy_timeout instead of failing with "database is locked" on lock upgrade.
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000"
    ),
    "transaction_mode": "IMMEDIATE",
}

_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "worklens.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["default"].setdefault("TEST", {})
    # Each server thread keeps its connection: opening one runs the PRAGMAs, and closing the
    # last one checkpoints the WAL, which per request cost more than the request's own writes.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection pool (psycopg_pool) rather than a persistent connection per thread: the
    # server's threads share a few PostgreSQL backends instead of holding one each.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("WORKLENS_DB_POOL_SIZE") or 8),
        "timeout": 10,
    }

# Rate limits (failed logins) live in the cache, so it must be shared by every server process
# and host: the database is, on SQLite as on PostgreSQL (table made by accounts' migration 0002).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "worklens_cache",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# allauth: e-mail + password, no username anywhere.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Clicking the link in the browser that signed up continues straight to creating the company.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "worklens_server.accounts.forms.SignupDetailsForm"
#: How long failed logins lock an account (five failures) or an address (twenty), in seconds.
WORKLENS_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("WORKLENS_LOGIN_LOCKOUT_SECONDS") or 300)
ACCOUNT_RATE_LIMITS = {
    "login_failed": login_failed_rate(lockout_seconds=WORKLENS_LOGIN_LOCKOUT_SECONDS),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WorkLens"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "reports:team_today"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
#: allauth's notices (password changed or reset) go out; they are transactional e-mail.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[WorkLens] "

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "worklens@localhost")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
#: Address of this server as people reach it; links in e-mail (unsubscribe) start with it.
WORKLENS_BASE_URL = os.environ.get("WORKLENS_BASE_URL", "http://127.0.0.1:8000")
#: A failed delivery is retried after 1x, 2x, 4x... this many seconds, up to the attempts.
WORKLENS_EMAIL_RETRY_SECONDS = float(os.environ.get("WORKLENS_EMAIL_RETRY_SECONDS") or 60)
WORKLENS_EMAIL_MAX_ATTEMPTS = int(os.environ.get("WORKLENS_EMAIL_MAX_ATTEMPTS") or 8)
#: `check_alerts` fails (for cron to report) when a task has waited this long for the worker.
WORKLENS_TASK_STALL_MINUTES = int(os.environ.get("WORKLENS_TASK_STALL_MINUTES") or 15)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# One language today; the language cookie is configured (and listed on /cookies/) for when
# there are more to choose from.
LANGUAGES = [("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files from the apps' directories without a collectstatic step, so
# `worklens-server serve` works straight after install.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# A batch body is bounded by the API (4 MiB); Django's own limit must not reject it first.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
#: Largest /api/v1/batches body accepted, in bytes.
WORKLENS_MAX_BATCH_BYTES = 4 * 1024 * 1024

#: The newest agent release and where to get it, as GET /api/v1/version tells agents. By default
#: the agent of the server's own release, which ships alongside it.
WORKLENS_LATEST_AGENT_VERSION = os.environ.get("WORKLENS_LATEST_AGENT_VERSION") or SERVER_VERSION
WORKLENS_AGENT_DOWNLOAD_URL = os.environ.get("WORKLENS_AGENT_DOWNLOAD_URL", "")

SESSION_COOKIE_HTTPONLY = True
# Messages ride in the session rather than in a cookie of their own (see /cookies/).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

ACCOUNT_ADAPTER = "worklens_server.companies.account_adapter.WorkLensAccountAdapter"
