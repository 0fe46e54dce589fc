"""Settings for the portal: one module, every deployment choice from the environment.

Defaults make `make run` work on a laptop (SQLite, tasks inline, mail into files);
production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, SECRET_KEY, DEBUG=0 and
ALLOWED_HOSTS (see README.md).
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "common.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "rules",
    "django_celery_beat",
    # Not "rest_framework" nor "django_filters": their zh-Hans catalogues would take the place
    # of Django's own messages on every portal form ("该字段是必填项" for "这个字段是必填项");
    # the API needs neither's templates (JSON only) and says its refusals itself (api.errors).
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "competition",
    "volunteers",
    "reports",
    "awards",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.middleware.SealedYearMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# bench/ serves the same project with one extra bare view (bench/urls.py).
ROOT_URLCONF = env("ROOT_URLCONF", default="config.urls")
WSGI_APPLICATION = "config.wsgi.application"

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
                "competition.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (web + worker) on one file: wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
else:
    # PostgreSQL's JIT compiles a plan whose estimated cost is high: the ranking query's
    # correlated counts made it spend 3.5 s compiling a query that runs in 0.1 s.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Connections are kept for a minute and checked before each request reuses one: after a
    # database restart each web process replaces its dead connection by itself; while the
    # database is down, pages answer 503 (common.errors.server_error).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions live in the database (Django's default engine), so every web process and machine
# shares them. The cache holds only the API's per-token request counts: per process by
# default; CACHE_URL names a shared one for several machines (dbcache://portal_cache after
# `manage.py createcachetable`, or rediscache://host:6379/3: the API then fails while Redis
# is down, the portal's pages do not use the cache).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "common.auth.PortalModelBackend",
]
# Argon2 first (argon2-cffi): a login costs a fraction of PBKDF2's on these machines; hashes
# made by the others are upgraded at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username at one address after repeated failures, and a username alone
# (over every address: guesses spread over many addresses) after more; let both cool off
# (the default locks forever, which turns a typo spree into a help-desk call). Axes has one
# limit for all its rules: `common.auth.PortalAxesHandler` gives each rule its own.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
LOGIN_LOCKOUT_RULES = [
    (["username", "ip_address"], AXES_FAILURE_LIMIT),
    (["username"], LOGIN_USERNAME_FAILURE_LIMIT),
]
AXES_LOCKOUT_PARAMETERS = [parameters for parameters, _limit in LOGIN_LOCKOUT_RULES]
AXES_HANDLER = "common.auth.PortalAxesHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
CSRF_FAILURE_VIEW = "common.errors.csrf_failure"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("MEDIA_ROOT", default=VAR_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several web machines share their uploads on an S3-compatible service (django-storages):
# set AWS_STORAGE_BUCKET_NAME, and AWS_S3_ENDPOINT_URL for a service other than Amazon's
# (MinIO, Ceph, a provincial cloud). Keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
# Files stay private: no public ACL, and downloads still go through the portal's views.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "location": env("AWS_LOCATION", default=""),
            # "path" for a service on an address rather than a domain of its own.
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Without collectstatic (development, tests) fall back to the unhashed names.
WHITENOISE_MANIFEST_STRICT = False
# Uploaded files are never given a public URL: every download goes through a view that
# checks permission (see common/uploads.py).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = ""
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Per record (a report, an activity, a nomination, a spot check): files and their total size.
UPLOAD_MAX_FILES_PER_RECORD = env.int("UPLOAD_MAX_FILES_PER_RECORD", default=10)
UPLOAD_MAX_BYTES_PER_RECORD = env.int("UPLOAD_MAX_BYTES_PER_RECORD", default=30 * 1024 * 1024)
# An image is decoded in full to be checked: cap its pixels (all frames), 50 million by
# default (a 50-megapixel phone photo; about 150 MB while it is decoded).
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=50_000_000)
# A report still missing this many days after the deadline is listed as 逾期未报.
REPORT_ESCALATION_DAYS = env.int("REPORT_ESCALATION_DAYS", default=7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# Excel imports: caps on the unpacked size and the rows (an .xlsx is a zip: see common/xlsx.py).
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)

# Mail: into files under var/mail by default, so a person can open what was sent.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="淮北市总工会竞赛办公室 <noreply@localhost>")
EMAIL_TIMEOUT = 20

# Celery: with no broker configured, tasks run inline in the calling process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down or accepts connections but never answers must not hang a web request
# (measured: 0.5 s refused, 1.0-1.5 s never answering, against 5 s before). No publish retry:
# what could not be published waits in the outbox (common.queue) for the dispatcher.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The outbox dispatcher (`common.dispatch_outbox`, every minute) publishes a task left
# unpublished for OUTBOX_RETRY_SECONDS, publishes again one published but not done after
# OUTBOX_REDISPATCH_SECONDS, gives up after OUTBOX_MAX_FAILURES failed runs and forgets
# finished rows after OUTBOX_KEEP_DAYS.
OUTBOX_RETRY_SECONDS = 60
OUTBOX_REDISPATCH_SECONDS = 15 * 60
OUTBOX_MAX_FAILURES = 5
OUTBOX_KEEP_DAYS = 30

# The read API (/api/v1/, the api app): API tokens only (no session, no password), GET only,
# pages of 50 (page_size up to 200), errors as {"detail", "code"} in Chinese, requests per
# token throttled (in the default cache: per process unless CACHES names a shared one).
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.authentication.HasScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
}
# The schema (/api/schema/) and its Swagger UI page (/api/docs/) are open: they hold no data.
# Swagger UI's files come from drf-spectacular-sidecar, served as our static files (no CDN:
# the portal runs on an intranet), and its start script from the split view: no inline script.
SPECTACULAR_SETTINGS = {
    "TITLE": "淮北市脱贫攻坚劳动竞赛数据接口",
    "DESCRIPTION": (
        "供安徽省总工会、省扶贫办及市内其他系统读取竞赛数据的只读接口。"
        "每个请求须带管理员在平台“接口令牌”页面创建的令牌：`Authorization: Bearer <令牌>`。"
        "令牌限定可访问的接口和年度；只提供已公布的评选结果和表彰决定。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# The competition office's public contacts (the notice gives these); shown in the footer.
OFFICE_NAME = env("OFFICE_NAME", default="淮北市总工会脱贫攻坚竞赛办公室")
OFFICE_PHONE = env("OFFICE_PHONE", default="0561-3021532")
OFFICE_EMAIL = env("OFFICE_EMAIL", default="hbzghjjb@126.com")
# The Chinese TrueType font embedded in PDF certificates (common/pdf.py; `make install` puts
# it there).
PDF_FONT_DIR = env.path("PDF_FONT_DIR", default=VAR_DIR / "fonts")
# Absolute address of the portal, for links in e-mails.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Tests that need PostgreSQL, Redis or Chromium fail instead of skipping when this is set (CI).
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the portal
# itself only, no inline script, event handler or style attribute (they live in static/js and
# static/css; json_script data blocks are data, not script). data: images are Bootstrap's
# SVG icons inside its CSS. Uploaded files are sent with their own stricter policy
# (common.uploads.file_response).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The Django admin's own pages need nothing more; django-import-export's export page (its
# select-all toggle's onchange, two style attributes) and django-simple-history's history
# list (one style attribute) carry inline attributes. They are allowed by their exact hashes,
# on /admin/ only (common.middleware.PortalCSPMiddleware).
CSP_ADMIN_UPDATE = {
    "script-src": [
        UNSAFE_HASHES,
        "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",  # onSelectToggleChange(event)
    ],
    "style-src-attr": [
        UNSAFE_HASHES,
        "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",  # padding: 0;
        "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",  # font-weight: bold;
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top: 0
    ],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
