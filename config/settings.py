"""Settings: one file, read from the environment, safe defaults for the embedded run.

Every value can be overridden by an environment variable of the same name. With nothing set
the project runs on SQLite with the filesystem Celery broker (``make run`` / ``scripts/run``).
Production sets ``DEBUG=0``, ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and the e-mail
settings; it then refuses to start with an insecure or missing secret.
"""

from pathlib import Path

import environ
from django.core.checks.security.base import SECRET_KEY_INSECURE_PREFIX, SECRET_KEY_MIN_LENGTH, _check_secret_key
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.smart_cast = False

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("The development SECRET_KEY cannot be used with DEBUG off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "revisions",
    "accounts",
    "lifecycle",
    "approvals",
    "workflow",
    "documents",
    "outbox",
    "tasks",
    "calendars",
    "meetings",
    "notices",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ExplicitLanguageMiddleware",  # the language is chosen, never guessed
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseBusyMiddleware",  # "database is locked" is a 409, never a 500
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.i18n",
                "web.context_processors.roles",
                "web.context_processors.waiting",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: a Celery worker started by a test must see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # The embedded default serves a small office's concurrent use without "database is locked":
    # a transaction takes the write lock when it begins (IMMEDIATE), so two writers queue up
    # instead of deadlocking on a read lock each wants to upgrade (SQLite then fails one at
    # once, whatever the timeout); a writer waits up to SQLITE_TIMEOUT seconds for the lock; WAL
    # lets readers go on while one writes. What still waits longer is a 409 (config.errors).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The API's token lookup is a prepared statement on PostgreSQL (config/prepared.py); turn it off
# behind a connection pooler in transaction mode that does not keep prepared statements.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request until it exists
# Nothing under MEDIA_ROOT is served at MEDIA_URL (config/urls.py routes none of it): uploads
# are private and go out only through views that check the caller (tasks.result_files).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # An upload lands whole or not at all (a full disk leaves no partial file): config.storage.
    "default": {"BACKEND": "config.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Security (production: DEBUG=0) ---
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Login rate limiting (django-axes, attempts kept in the database, so shared by every web
# process): the login form, the admin login and POST /api/auth/token/ all go through
# authenticate(). AXES_FAILURE_LIMIT failures for one username from one address lock that
# pair out for AXES_COOLOFF_HOURS: 429 with a Russian message (accounts.token_api.lockout_response).
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_LOCKOUT_CALLABLE = "accounts.token_api.lockout_response"

# --- E-mail: Django's own names. No EMAIL_HOST: mail is printed to the console. ---
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Проектный офис <project-office@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis in production; the filesystem broker for the embedded run. ---
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("in", "processed", "control"):
        (CELERY_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "in"),
        "data_folder_out": str(CELERY_BROKER_DIR / "in"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Fail fast when the broker is down: the web request must not hang on it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# --- REST framework ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",  # DRF's, with the day's stand-in duties
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_METADATA_CLASS": "config.api_metadata.ShallowMetadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Проектного офиса",
    "DESCRIPTION": "План заседаний Проектного офиса: согласование, утверждение, задачи подготовки.",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # Every endpoint is authenticated, the description of the API too (token or session).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Swagger UI from our own static files: the docs work without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStateEnum": "approvals.models.ApprovalState",
        "TransitionNameEnum": "approvals.models.TransitionName",
        "AvailableTransitionEnum": "approvals.serializers.AVAILABLE_TRANSITIONS",
        "SessionStateEnum": "workflow.models.SessionState",
        "SessionTransitionEnum": "workflow.serializers.SESSION_TRANSITIONS",
        "ProjectKindEnum": "workflow.models.ProjectKind",
        "RoleEnum": "accounts.models.Role",
        "TaskStateEnum": "tasks.models.TaskState",
        "TaskKindEnum": "tasks.models.TaskKind",
        "TaskTransitionEnum": "tasks.models.TaskTransition",
    },
}

# --- The domain ---
PROJECT_OFFICE_NAME = env.str("PROJECT_OFFICE_NAME", default="Проектный офис департамента образования")
# A session known only by its month is held on this day of the month (documented in README).
SESSION_DEFAULT_DAY = env.int("SESSION_DEFAULT_DAY", default=15)
if not 1 <= SESSION_DEFAULT_DAY <= 28:
    raise ImproperlyConfigured("SESSION_DEFAULT_DAY must be between 1 and 28.")

# --- Importing plan documents (documents/) ---
# A plan document larger than this is refused before it is read (413); real plans are a few KB.
PLAN_IMPORT_MAX_BYTES = env.int("PLAN_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# A .docx is a zip archive: its directory is checked before anything is unpacked (400), so a
# small file that unpacks to gigabytes (a "zip bomb") costs nothing. A real plan's .docx has
# about 15 entries and unpacks to well under 1 MB; the importer then reads only the document
# and its styles. 20 MB leaves room for a plan with pictures (pictures do not compress, so the
# 2 MB upload limit bounds them anyway).
PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES = env.int("PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES", default=20 * 1024 * 1024)
PLAN_IMPORT_DOCX_MAX_ENTRIES = env.int("PLAN_IMPORT_DOCX_MAX_ENTRIES", default=500)
# Bounds no real plan meets, checked while the file is parsed (400 naming the line, nothing
# written), so one import cannot hold the database in a long transaction. The office's plan
# has 5 sessions a year of at most 5 topics, each under 200 characters; a weekly plan would
# have 52 sessions. The largest plan these let in (1,000 topics) is written in about 2 s.
PLAN_IMPORT_MAX_SESSIONS = env.int("PLAN_IMPORT_MAX_SESSIONS", default=60)
PLAN_IMPORT_MAX_ITEMS_PER_SESSION = env.int("PLAN_IMPORT_MAX_ITEMS_PER_SESSION", default=200)
PLAN_IMPORT_MAX_ITEMS = env.int("PLAN_IMPORT_MAX_ITEMS", default=1000)
PLAN_IMPORT_MAX_TEXT_CHARS = env.int("PLAN_IMPORT_MAX_TEXT_CHARS", default=5000)
if min(PLAN_IMPORT_MAX_BYTES, PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES, PLAN_IMPORT_DOCX_MAX_ENTRIES,
       PLAN_IMPORT_MAX_SESSIONS, PLAN_IMPORT_MAX_ITEMS_PER_SESSION, PLAN_IMPORT_MAX_ITEMS,
       PLAN_IMPORT_MAX_TEXT_CHARS) < 1:
    raise ImproperlyConfigured("Every PLAN_IMPORT_* limit must be a positive number.")

# --- Preparation tasks and chasing (tasks/) ---
# Due date = the session's expected date minus this many days, moved back to a working day.
TASKS_DUE_DAYS_BEFORE = env.int("TASKS_DUE_DAYS_BEFORE", default=10)
# Tasks are created for sessions whose expected date is at most this many days ahead (a
# quarter: a project report is prepared over weeks, and nobody wants December's tasks in January).
TASKS_ASSIGN_WINDOW_DAYS = env.int("TASKS_ASSIGN_WINDOW_DAYS", default=90)
TASKS_RESULT_MAX_BYTES = env.int("TASKS_RESULT_MAX_BYTES", default=20 * 1024 * 1024)
if TASKS_DUE_DAYS_BEFORE < 0 or TASKS_ASSIGN_WINDOW_DAYS < TASKS_DUE_DAYS_BEFORE:
    raise ImproperlyConfigured("TASKS_DUE_DAYS_BEFORE must be >= 0, TASKS_ASSIGN_WINDOW_DAYS >= it.")

# --- After the plan: agenda, protocol, assignments (meetings/) ---
# The agenda with the materials pack goes to the participants this many working days before the session.
MEETINGS_AGENDA_WORKING_DAYS_BEFORE = env.int("MEETINGS_AGENDA_WORKING_DAYS_BEFORE", default=3)
if MEETINGS_AGENDA_WORKING_DAYS_BEFORE < 0:
    raise ImproperlyConfigured("MEETINGS_AGENDA_WORKING_DAYS_BEFORE must be >= 0.")

# --- The e-mail outbox (outbox/; the names keep the TASKS_ prefix they were deployed with) ---

# Result files are never at a public URL: a view checks who asks, then Django sends the file, or,
# with this set, hands it to the front server: "x-accel-redirect" (nginx: an `internal` location
# TASKS_RESULT_SENDFILE_PREFIX aliased to MEDIA_ROOT) or "x-sendfile" (Apache, lighttpd).
TASKS_RESULT_SENDFILE = env.str("TASKS_RESULT_SENDFILE", default="").strip().lower()
TASKS_RESULT_SENDFILE_PREFIX = env.str("TASKS_RESULT_SENDFILE_PREFIX", default="/protected-media/")
if TASKS_RESULT_SENDFILE not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured('TASKS_RESULT_SENDFILE must be "", "x-accel-redirect" or "x-sendfile".')
TASKS_OUTBOX_BATCH_SIZE = env.int("TASKS_OUTBOX_BATCH_SIZE", default=100)
TASKS_OUTBOX_MAX_ATTEMPTS = env.int("TASKS_OUTBOX_MAX_ATTEMPTS", default=8)
TASKS_OUTBOX_BACKOFF_SECONDS = env.int("TASKS_OUTBOX_BACKOFF_SECONDS", default=60)
# A sender renews its claim on a batch (``claimed_at``) before an SMTP step once this long has
# passed since the claim or the last renewal.
TASKS_OUTBOX_CLAIM_RENEW_SECONDS = env.int("TASKS_OUTBOX_CLAIM_RENEW_SECONDS", default=2)
# The longest a LIVE sender leaves its claim unrenewed: the renewal interval, plus one step --
# opening the SMTP connection (connect, greeting, EHLO/HELO, STARTTLS, TLS handshake, EHLO,
# AUTH: at most 12 waits) or sending one message (EHLO/HELO, MAIL, RCPT, DATA, the body, the
# reply, RSET: at most 8), each wait bounded by EMAIL_TIMEOUT; a backend that writes locally
# (console, file, memory) waits on no network: 5 s -- plus recording a result, which on SQLite
# may wait for another writer up to the lock timeout (20 s). Defaults: PostgreSQL and SMTP with
# EMAIL_TIMEOUT=10: 2 + 120 = 122 s; the embedded run (SQLite, console): 2 + 5 + 20 = 27 s.
_LOCAL_MAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "filebased", "locmem", "dummy")
}
_SQLITE_LOCK_WAIT = (
    DATABASES["default"]["OPTIONS"]["timeout"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 0
)
OUTBOX_LIVE_CLAIM_SECONDS = (
    TASKS_OUTBOX_CLAIM_RENEW_SECONDS
    + (5 if EMAIL_BACKEND in _LOCAL_MAIL_BACKENDS else 12 * EMAIL_TIMEOUT)
    + _SQLITE_LOCK_WAIT
)
# A row "sending" whose claim is older than this was left by a dead sender: the sweep puts it
# back. It must exceed OUTBOX_LIVE_CLAIM_SECONDS, or a live sender's batch could be sent twice.
# With Redis a job lost with its worker is delivered again (acks_late, once Redis's visibility
# timeout has passed), so the sweep is a safety net: 15 minutes, swept every 5. The filesystem
# broker of the embedded run never redelivers a job, so the sweep is how a killed drain
# recovers: OUTBOX_LIVE_CLAIM_SECONDS + 3 (30 s by default), swept every 30 s -- a killed
# drain's rows go out again 30 to 60 s after its last renewal.
_EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
TASKS_OUTBOX_STUCK_SECONDS = env.int(
    "TASKS_OUTBOX_STUCK_SECONDS", default=OUTBOX_LIVE_CLAIM_SECONDS + 3 if _EMBEDDED_BROKER else 900
)
# The period of the sweep's beat entry when it is created (migration or ``setup_schedules``).
TASKS_OUTBOX_SWEEP_SECONDS = env.int("TASKS_OUTBOX_SWEEP_SECONDS", default=30 if _EMBEDDED_BROKER else 300)
if TASKS_OUTBOX_MAX_ATTEMPTS < 1 or TASKS_OUTBOX_SWEEP_SECONDS < 1:
    raise ImproperlyConfigured("TASKS_OUTBOX_MAX_ATTEMPTS and TASKS_OUTBOX_SWEEP_SECONDS must be >= 1.")
if TASKS_OUTBOX_STUCK_SECONDS <= OUTBOX_LIVE_CLAIM_SECONDS:
    raise ImproperlyConfigured(
        f"TASKS_OUTBOX_STUCK_SECONDS ({TASKS_OUTBOX_STUCK_SECONDS}) must exceed {OUTBOX_LIVE_CLAIM_SECONDS} s, "
        "the longest a live sender goes without renewing its claim with this mail backend, EMAIL_TIMEOUT, "
        "database and TASKS_OUTBOX_CLAIM_RENEW_SECONDS: a shorter one would take rows back from a live sender."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Hardening: a weak secret, deep request bodies, password-reset floods, tokens in logs ---
# Production refuses a SECRET_KEY that Django's deployment check would warn about (security.W009:
# fewer than 50 characters, fewer than 5 distinct ones, or Django's "django-insecure-" prefix).
if not DEBUG and not _check_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for production (DEBUG=0): it needs at least {SECRET_KEY_MIN_LENGTH} "
        f"random characters and must not start with '{SECRET_KEY_INSECURE_PREFIX}' (Django's security.W009). "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Every API body goes through a JSON parser that answers 400 on absurdly deep documents
# (config/api_parsers.py); no client of this API sends more than a few levels.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "config.api_parsers.DepthLimitedJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)

# The cache holds the password-reset counters, so every web process must share it: files in
# VAR_DIR on the embedded run, Redis in docker-compose (CACHE_URL=redis://redis:6379/1).
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
# Rendered API bodies (revisions.responses), keyed by revision counters read from the database
# on every request, so a cache of each process's own is never stale: memory by default (fastest),
# or shared by every process (API_CACHE_URL=redis://…) to render each body once for all of them.
API_CACHE = "api"
CACHES[API_CACHE] = env.cache("API_CACHE_URL", default="locmemcache://api-bodies")
CACHES[API_CACHE].setdefault("TIMEOUT", env.int("API_CACHE_SECONDS", default=3600))
CACHES[API_CACHE].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", env.int("API_CACHE_MAX_ENTRIES", default=300))
# Password reset by e-mail (accounts/ratelimit.py): at most this many e-mails per address and
# this many requests per client address within the window; past that the page answers the same
# and sends nothing, so it tells neither whether the address exists nor whether it was limited.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_LIMIT_WINDOW_SECONDS = env.int("PASSWORD_RESET_LIMIT_WINDOW_SECONDS", default=3600)
if min(PASSWORD_RESET_LIMIT_PER_ADDRESS, PASSWORD_RESET_LIMIT_PER_CLIENT, PASSWORD_RESET_LIMIT_WINDOW_SECONDS) < 1:
    raise ImproperlyConfigured("PASSWORD_RESET_LIMIT_* must be positive numbers.")

# The calendar feed's token is its only key: every log line keeps only its first characters
# (config/log_filters.py). runserver's request log ("django.server") is declared again here with
# the filter, as Django declares it; gunicorn uses the same filter through gunicorn.conf.py.
LOGGING["filters"] = {"mask_secrets": {"()": "config.log_filters.MaskSecretsFilter"}}
LOGGING["formatters"] = {
    "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
}
LOGGING["handlers"]["console"]["filters"] = ["mask_secrets"]
LOGGING["handlers"]["django.server"] = {
    "class": "logging.StreamHandler", "formatter": "django.server", "filters": ["mask_secrets"]
}
LOGGING["loggers"]["django.server"] = {
    "handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": ["mask_secrets"]
}
LOGGING["loggers"]["django.request"] = {"filters": ["mask_secrets"]}
