"""Tempo settings. Every value comes from the environment, with a safe local default.

DJANGO_ENV=production switches on the hardened profile (no debug, HTTPS-only
cookies, HSTS, a required SECRET_KEY); anything else is local development.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "local").strip().lower()
PRODUCTION = DJANGO_ENV == "production"

_LOCAL_SECRET_KEY = "local-development-only-not-a-secret-tempo-0123456789abcdefghij"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _LOCAL_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _LOCAL_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DJANGO_ENV=production.")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "erp",
    "procurement",
    "logistics",
    "retail",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "erp.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the lockout page (erp.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "erp.urls"
WSGI_APPLICATION = "erp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "erp.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", False
):
    # Parameters sent apart from the SQL text, so psycopg prepares a statement run 5 times on a connection
    # and PostgreSQL stops re-planning it (with DATABASE_CONN_MAX_AGE > 0).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for the write lock beats failing at once under the dev server's threads.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "erp" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# --- Security -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The API documentation pages run third-party code: ReDoc starts with an inline script and a blob worker,
# both insert <style> elements. Only they get more than the strict policy (erp/security.py).
CSP_RELAXED = {
    "/api/docs/": {"style-src": "'self' 'unsafe-inline'"},
    "/api/redoc/": {
        "script-src": "'self' 'unsafe-inline'",
        "style-src": "'self' 'unsafe-inline'",
        "worker-src": "'self' blob:",
    },
}
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("USE_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Login brute-force protection (django-axes, see erp/lockout.py) --------------
AUTHENTICATION_BACKENDS = [
    "erp.lockout.LockoutBackend",
    "erp.permissions_backend.ModelPermissionBackend",
]
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# Per username and client IP: one attacker cannot lock a user out for everyone else.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "erp.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes anonymous requests a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "erp.api.auth_backends.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["erp.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "erp.api.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "erp.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "erp.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "erp.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Counters live in CACHES["default"]: set CACHE_URL (Redis) when more than one app server runs.
    "DEFAULT_THROTTLE_CLASSES": [
        "erp.api.throttles.UserBurstThrottle",
        "erp.api.throttles.UserSustainedThrottle",
        "erp.api.throttles.AnonThrottle",
        "erp.api.throttles.IPThrottle",
        "erp.api.throttles.ScopedThrottle",
    ],
    # THROTTLE_<SCOPE>="<count>/<s|min|hour|day>"; empty means no limit for that scope.
    "DEFAULT_THROTTLE_RATES": {
        scope: os.environ.get(f"THROTTLE_{scope.upper()}", rate) or None
        for scope, rate in {
            "user_burst": "120/min",  # per token (or session user)
            "user_sustained": "20000/day",  # per token (or session user)
            "anon": "30/min",  # per IP, requests without a user
            "ip": "1200/min",  # per IP, everyone
            # The online shop posts every order of a launch with one token: ~555/s sustained, with headroom.
            "flash_sale": "120000/min",  # per token, views with throttle_scope = "flash_sale"
        }.items()
    },
    # Client IP for per-IP throttles: REMOTE_ADDR unless this many trusted proxies add X-Forwarded-For.
    "NUM_PROXIES": int(os.environ.get("TRUSTED_PROXY_COUNT", "0")),
}
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
# How long an app process trusts a token it has just checked (erp/api/token_cache.py): a revocation
# reaches the other processes that much later. Off outside production.
API_AUTH_CACHE_SECONDS = float(os.environ.get("API_AUTH_CACHE_SECONDS", "1" if PRODUCTION else "0"))
# How long the flash-sale intake keeps a running sale it has read (orders.selectors.flash). Off outside
# production: tests make and drop sales under the same ids.
FLASH_SALE_CACHE_SECONDS = float(os.environ.get("FLASH_SALE_CACHE_SECONDS", "2" if PRODUCTION else "0"))
KNOX_TOKEN_MODEL = "knox.AuthToken"  # named so erp.ApiToken can point at it from a migration
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTH_HEADER_PREFIX": "Token",
    "USER_SERIALIZER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tempo API",
    "DESCRIPTION": "Operations portal API: items, prices, FX rates and, as Tempo grows, "
    "procurement, planning, retail and orders. Errors are always "
    '`{"message": ..., "extra": ...}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI renders only the resources in view; a filter box and deep links find the rest.
    "SWAGGER_UI_SETTINGS": {"filter": True, "deepLinking": True, "displayOperationId": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tag each operation by its resource (/api/v1/<resource>/...), whatever paths the apps add.
    "SCHEMA_PATH_PREFIX": r"/api/v1/",
    # Several resources have a "status" field with different choices: name each enum after its owner.
    "ENUM_NAME_OVERRIDES": {
        "ImportRunStatusEnum": "erp.models.ImportRun.Status",
        "SupplierStatusEnum": "procurement.models.SupplierStatus",
        "ItemKindEnum": "erp.models.ItemKind",
        "LocationKindEnum": "logistics.models.LocationKind",
        "SignalSourceEnum": "orders.models.forecasts.SignalSource",
        "FlashSaleChannelEnum": "orders.models.flash.FlashSaleChannel",
        "ConsumerChannelEnum": "orders.models.consumer.ConsumerChannel",
        "PostedConsumerChannelEnum": ["online", "presale", "store"],
        "ScheduleStatusEnum": "logistics.models.ScheduleStatus",
        "CostLineSourceEnum": ["offer", "rollup", "missing"],
        "RetailerStatusEnum": "retail.models.RetailerStatus",
        "ShipmentKindEnum": "logistics.models.ShipmentKind",
        "ShipmentStatusEnum": "logistics.models.ShipmentStatus",
    },
    # The default enum hook, then the one error shape on every operation (erp/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "erp.api.schema.postprocess_error_responses",
    ],
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Excel import/export ------------------------------------------------------
EXCEL_MAX_UPLOAD_BYTES = int(os.environ.get("EXCEL_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Uploads larger than this run in the background (Celery) with a progress bar.
EXCEL_BACKGROUND_BYTES = int(os.environ.get("EXCEL_BACKGROUND_BYTES", str(1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "memory://"
CELERY_RESULT_BACKEND = (
    os.environ.get(
        "CELERY_RESULT_BACKEND",
        CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "",
    )
    or None
)
# Without a real broker there is nobody to consume the queue: run tasks inline.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# `celery -A erp beat` runs these; one beat process for the whole deployment.
CELERY_BEAT_SCHEDULE = {
    "flash-sale-orders-expire": {"task": "orders.flash_sale_orders_expire", "schedule": 60.0},
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Lockouts and failed sign-ins are warnings; every successful sign-in is not worth a line.
        "axes": {"level": "WARNING"},
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tempo@localhost")

TEMPO_BASE_CURRENCY = "CNY"

# Where links in emails (retailer invitations) point; the request's host is used when there is one.
TEMPO_BASE_URL = os.environ.get("TEMPO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
