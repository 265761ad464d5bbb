"""Settings: one file, read from the environment, safe defaults for the embedded run.

Every value can be overridden by an environment variable of the same name. With nothing set
the project runs on SQLite with the filesystem Celery broker (``make run`` / ``scripts/run``).
Production sets ``DEBUG=0``, ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and the e-mail
settings; it then refuses to start with an insecure or missing secret.
"""

from pathlib import Path

import environ
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
    "accounts",
    "approvals",
    "workflow",
    "tasks",
    "calendars",
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
        "rest_framework.authentication.TokenAuthentication",
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

# A plan document larger than this is refused before it is read (413); real plans are a few KB.
PLAN_IMPORT_MAX_BYTES = env.int("PLAN_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)

# --- Preparation tasks and chasing (tasks/) ---
# Due date = the session's expected date minus this many days, moved back to a working day.
TASKS_DUE_DAYS_BEFORE = env.int("TASKS_DUE_DAYS_BEFORE", default=10)
# Tasks are created for sessions whose expected date is at most this many days ahead (a
# quarter: a project report is prepared over weeks, and nobody wants December's tasks in January).
TASKS_ASSIGN_WINDOW_DAYS = env.int("TASKS_ASSIGN_WINDOW_DAYS", default=90)
TASKS_RESULT_MAX_BYTES = env.int("TASKS_RESULT_MAX_BYTES", default=20 * 1024 * 1024)
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
TASKS_OUTBOX_STUCK_SECONDS = env.int("TASKS_OUTBOX_STUCK_SECONDS", default=900)
if TASKS_DUE_DAYS_BEFORE < 0 or TASKS_ASSIGN_WINDOW_DAYS < TASKS_DUE_DAYS_BEFORE or TASKS_OUTBOX_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "TASKS_DUE_DAYS_BEFORE must be >= 0, TASKS_ASSIGN_WINDOW_DAYS >= it, TASKS_OUTBOX_MAX_ATTEMPTS >= 1."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
