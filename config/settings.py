"""Prévex settings, read from the environment (django-environ).

With no environment at all, Prévex runs in its embedded mode: SQLite file, Celery tasks run
in-process, e-mail to the console, DEBUG on. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
DEBUG=False, ALLOWED_HOSTS, EMAIL_URL and DEFAULT_FROM_EMAIL. `.env.example` lists every variable.
An invalid value stops start-up with a message naming the variable.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _read(name, reader, **kwargs):
    """Read one variable; any invalid value stops start-up naming the variable."""
    try:
        return reader(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # noqa: BLE001 - every parsing error becomes the same clear message
        raise ImproperlyConfigured(f"Variable d'environnement {name} invalide : {exc}") from exc


_BOOLEANS = {"true": True, "yes": True, "on": True, "1": True}
_BOOLEANS |= {"false": False, "no": False, "off": False, "0": False}


def _strict_bool(name, default):
    """A yes/no variable: a value that is neither (DEBUG=peut-etre) is refused, not read as False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in _BOOLEANS:
        raise ImproperlyConfigured(f"Variable d'environnement {name} invalide : {raw!r} n'est ni oui ni non.")
    return _BOOLEANS[raw]


DEBUG = _read("DEBUG", _strict_bool, default=True)
_INSECURE_DEV_KEY = "django-insecure-prevex-embedded-mode-only"
SECRET_KEY = _read("SECRET_KEY", env.str, default=_INSECURE_DEV_KEY if DEBUG else None)
if not DEBUG and (SECRET_KEY == _INSECURE_DEV_KEY or len(SECRET_KEY or "") < 50):
    raise ImproperlyConfigured(
        "Variable d'environnement SECRET_KEY invalide : 50 caractères au moins en production."
    )
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, default=[])
SITE_URL = _read("SITE_URL", env.url, default="http://127.0.0.1:8000").geturl().rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-dsfr before django.forms: its widget templates (radios, checkboxes) must win.
    "dsfr",
    "widget_tweaks",  # django-dsfr's radio and checkbox snippets load it
    "django.forms",
    "django_filters",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by Prévex (no CDN)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "simple_history",  # history of sensitive changes (docs/decisions/014)
    "directory",
    "households",
    "procedure",
    "referrals",
    "commissions",
    "letters",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "directory.middleware.LoginRequiredMiddleware",
    "directory.middleware.ActingOrganisationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # the acting user of each history row
    "directory.middleware.SecondFactorMiddleware",
    "directory.middleware.ProConnectSignOutMiddleware",  # before CSPMiddleware on the way out
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "directory.context_processors.shell",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": _read("DATABASE_URL", env.db_url, default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    raise ImproperlyConfigured(
        "Variable d'environnement DATABASE_URL invalide : postgres:// ou sqlite:// attendu"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["TEST"] = {"NAME": _read("TEST_DATABASE_NAME", env.str, default="test_prevex")}
    # JIT compiles for 0.2-0.4 s whenever a list's estimated cost is high: a loss for short web queries.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A read replica of the primary (docs/deploy.md): the indicators and the exports read from it.
if _read("DATABASE_REPLICA_URL", env.str, default=""):
    DATABASES["replica"] = _read("DATABASE_REPLICA_URL", env.db_url)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "Variable d'environnement DATABASE_REPLICA_URL invalide : même moteur que DATABASE_URL attendu"
        )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("CONN_MAX_AGE", 60)
        DATABASES["replica"]["TEST"] = {"NAME": DATABASES["default"]["TEST"]["NAME"] + "_replica"}
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASE_ROUTERS = ["config.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = ["directory.auth.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "directory:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "directory:login"
# Sign-in lockout: after LOGIN_MAX_FAILURES failed attempts the account is locked for a while.
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_MINUTES = _read("LOGIN_LOCKOUT_MINUTES", env.int, default=15)
SESSION_COOKIE_AGE = _read("SESSION_COOKIE_AGE", env.int, default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_RESET_TIMEOUT = 3600

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = _read("MEDIA_ROOT", env.path, default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

# E-mail: console in the embedded mode, EMAIL_URL (smtp://user:password@host:587) in production.
EMAIL_CONFIG = _read("EMAIL_URL", env.email_url, default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", env.str, default="Prévex <ne-pas-repondre@prevex.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The secretariat's address, shown in the footer and on the legal pages.
CONTACT_EMAIL = _read("CONTACT_EMAIL", env.str, default="ccapex@prevex.localhost")

# Access log (procedure/access_log.py): a user reading more distinct files than this in a day
# without recording anything on them is reported to the administrators the next morning.
ACCESS_ALERT_DISTINCT_FILES = _read("ACCESS_ALERT_DISTINCT_FILES", env.int, default=40)

# Celery: Redis broker when REDIS_URL is set, tasks run in-process otherwise.
REDIS_URL = _read("REDIS_URL", env.str, default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Several web hosts share Django's cache and the sessions in Redis when REDIS_URL is set (issue 16,
# docs/deploy.md); without Redis, a local memory cache and sessions in the database, as before.
# REDIS_CACHE_URL may point the cache and sessions at another Redis (or database number) than Celery's.
REDIS_CACHE_URL = _read("REDIS_CACHE_URL", env.str, default="") or REDIS_URL
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "prevex",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Three queues, so that workers are scaled per kind of work (docs/deploy.md): PDF rendering, e-mail
# and the rest. A worker started without --queues consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("pdf"), Queue("email")]
CELERY_TASK_ROUTES = {
    "letters.tasks.generate_batch": {"queue": "pdf"},
    "commissions.tasks.convene_households": {"queue": "pdf"},
    "commissions.tasks.send_opinion_letters": {"queue": "pdf"},
    "letters.tasks.send_weekly_list": {"queue": "email"},
    "letters.tasks.send_weekly_list_pdf": {"queue": "email"},
    "letters.tasks.render_weekly_list_pdf": {"queue": "pdf"},
    "procedure.tasks.build_export": {"queue": "default"},  # openpyxl/csv: no PDF rendering
    "procedure.tasks.build_pdf_export": {"queue": "pdf"},
    "referrals.tasks.send_outbox_message": {"queue": "email"},
    "referrals.tasks.send_referral_digests": {"queue": "email"},
    "commissions.tasks.notify_members": {"queue": "email"},
    "procedure.tasks.read_act": {"queue": "pdf"},  # text extraction of a PDF: slow, like rendering
    "procedure.tasks.alert_unusual_reading": {"queue": "email"},
    "directory.tasks.send_notification": {"queue": "email"},
    "directory.tasks.send_notification_digests": {"queue": "email"},
    "commissions.tasks.notify_agenda_change": {"queue": "email"},
    "directory.tasks.purge_api_records": {"queue": "default"},  # a few DELETEs
    "indicators.tasks.refresh_national_counts": {"queue": "default"},  # SQL counts, no rendering
}

# Exports past this many rows are built in the background (procedure/background/), their files
# deleted after BACKGROUND_EXPORT_HOURS.
BACKGROUND_EXPORT_ROWS = _read("BACKGROUND_EXPORT_ROWS", env.int, default=2000)
BACKGROUND_EXPORT_HOURS = _read("BACKGROUND_EXPORT_HOURS", env.int, default=24)

# Demo accounts (seed_demo, refused when DEBUG is off).
DEMO_PASSWORD = _read("DEMO_PASSWORD", env.str, default="prevex-demo")
# The département Prévex serves (INSEE code).
DEPARTEMENT = _read("DEPARTEMENT", env.str, default="21")

# Security: on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy (django-csp, docs/decisions/010-security-headers.md): scripts and
# styles from Prévex's own static files only, never inline; the one inline <style> (a letter's
# preview) carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", _strict_bool, default=True)
    SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"
# The covering indexes (INCLUDE) that speed PostgreSQL up are plain indexes on the embedded SQLite.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

LOG_LEVEL = _read("LOG_LEVEL", env.str, default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"format": "time=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Commission members read the cases of a published agenda until this many days after the session.
COMMISSION_ACCESS_DAYS = _read("COMMISSION_ACCESS_DAYS", env.int, default=30)
# The organisation a recommendation names reads the case while it is open, and this long after.
RECOMMENDATION_ACCESS_DAYS = _read("RECOMMENDATION_ACCESS_DAYS", env.int, default=90)
# The Charte's indicators that the referent partners supply each year (Charte IV) rather than Prévex
# counting them: Prévex sees only the repayment plans, FSL aids, PCS and new leases recorded on its
# procedures, while the CAF/MSA, the FSL and the social landlords know them all.
INDICATORS_SUPPLIED = _read(
    "INDICATORS_SUPPLIED",
    env.list,
    default=[
        "plans_apurement",
        "plans_apurement_non_respectes",
        "aides_fsl_impayes",
        "pcs_signes",
        "nouveaux_baux_apres_resiliation",
    ],
)
# Social workers read a case while their organisation holds an open referral, and this long after.
REFERRAL_ACCESS_DAYS = _read("REFERRAL_ACCESS_DAYS", env.int, default=90)
REFERRAL_ATTACHMENT_MAX_BYTES = _read("REFERRAL_ATTACHMENT_MAX_BYTES", env.int, default=10 * 1024 * 1024)

# The partner API (Django REST framework, drf-spectacular): JSON only, tokens of directory.ApiToken.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": None,  # ?format=csv is the weekly lists' own parameter
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API partenaires de Prévex",
    "DESCRIPTION": (
        "Actes des commissaires de justice, saisines des bailleurs sociaux, listes hebdomadaires du SIAO "
        "et de la CAF. Jeton remis par l'administrateur de Prévex : « Authorization: Bearer JETON »."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "procedure.api.batch_limits",
    ],
}
# Calls per token per minute; the next one is refused with a 429 and Retry-After.
API_RATE_LIMIT = _read("API_RATE_LIMIT", env.int, default=120)
# Retention (directory.tasks.purge_api_records, nightly). The call log is a journal of technical
# access: CNIL, recommandation relative aux mesures de journalisation (délibération n° 2021-122 du
# 14 octobre 2021), keep it six months to a year; six months here (183 days), a call deleted the day
# after. The answers kept for an Idempotency-Key are replayed for 30 days, the expiry announced to
# partners (README; draft-ietf-httpapi-idempotency-key-header: the server publishes its expiry).
API_CALL_RETENTION_DAYS = _read("API_CALL_RETENTION_DAYS", env.int, default=183)
API_IDEMPOTENCY_RETENTION_DAYS = _read("API_IDEMPOTENCY_RETENTION_DAYS", env.int, default=30)

# ProConnect sign-in (OpenID Connect, directory/proconnect.py): off unless the client id and the
# discovery URL are set.
PROCONNECT_CLIENT_ID = _read("PROCONNECT_CLIENT_ID", env.str, default="")
PROCONNECT_CLIENT_SECRET = _read("PROCONNECT_CLIENT_SECRET", env.str, default="")
PROCONNECT_DISCOVERY_URL = _read("PROCONNECT_DISCOVERY_URL", env.str, default="")
PROCONNECT_SCOPES = _read("PROCONNECT_SCOPES", env.str, default="openid email given_name usual_name")

# The second factor of the secretariat's and administrators' password sign-ins (django-otp).
OTP_TOTP_ISSUER = "Prévex"
