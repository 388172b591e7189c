"""Settings for atensi, read from the environment (see README "Configuration")."""

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from atensi.lib.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("ATENSI_DATA_DIR", BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Reads ATENSI_SECRET_KEY, or keeps a generated key in the data directory (embedded setups)."""
    configured = env_str("ATENSI_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ATENSI_DEBUG", False)
ALLOWED_HOSTS = env_list("ATENSI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ATENSI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "atensi.common",
    "atensi.organisation",
    "atensi.accounts",
    "atensi.registry",
    "atensi.cases",
    "atensi.budget",
    "atensi.workforce",
    "atensi.dedup",
]

MIDDLEWARE = [
    "atensi.common.middleware.LongLivedObjectsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "atensi.common.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "atensi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "atensi.common.context_processors.access",
            ],
        },
    },
]

# The embedded default is SQLite in WAL mode under ATENSI_DATA_DIR; production sets DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'atensi.sqlite3'}",
        conn_max_age=env_int("ATENSI_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: a write waits up to ATENSI_SQLITE_BUSY_MS for the lock (20 s by
    # default; 5 s was exceeded by 32 concurrent API writers on a loaded 2-core machine).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            f"PRAGMA busy_timeout={env_int('ATENSI_SQLITE_BUSY_MS', 20000)}; "
            "PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("ATENSI_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "atensi.accounts.passwords.LettersAndDigitsValidator"},
]

# Lockout after repeated failed logins (per username).
ATENSI_LOGIN_MAX_FAILURES = env_int("ATENSI_LOGIN_MAX_FAILURES", 5)
ATENSI_LOGIN_LOCKOUT_MINUTES = env_int("ATENSI_LOGIN_LOCKOUT_MINUTES", 15)

SESSION_COOKIE_AGE = env_int("ATENSI_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ATENSI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "atensi" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic output lives with the other generated files; created so WhiteNoise finds it.
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "atensi" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (photos, attachments) are served only through views that check access.
FILE_UPLOAD_PERMISSIONS = 0o640

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "atensi.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "atensi.common.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "atensi.common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "atensi API",
    "DESCRIPTION": "Ditjen Rehabilitasi Sosial: registry, case management and programme performance.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One enum name per choice set, however many serializers use it.
    "ENUM_NAME_OVERRIDES": {
        "TargetGroupEnum": "atensi.organisation.models.TargetGroup",
        "StageEnum": "atensi.cases.choices.Stage",
        "FormKindEnum": "atensi.cases.models.FormDefinition.Kind",
        "NoteKindEnum": "atensi.cases.choices.NoteKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ATENSI_LOG_LEVEL", "WARNING")},
}
ATENSI_TRUST_X_FORWARDED_FOR = env_bool("ATENSI_TRUST_X_FORWARDED_FOR", False)

# Bulk import of persons (registry): the largest file accepted, and whether jobs run in the request
# (tests) instead of a background thread.
ATENSI_IMPORT_MAX_ROWS = env_int("ATENSI_IMPORT_MAX_ROWS", 200_000)
ATENSI_IMPORT_MAX_MB = env_int("ATENSI_IMPORT_MAX_MB", 50)
ATENSI_IMPORT_SYNC = env_bool("ATENSI_IMPORT_SYNC", False)
