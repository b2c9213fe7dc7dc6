"""Lavka's settings: one file, read from the environment (see the table in README.md)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for developers; production sets real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

if PRODUCTION:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: production needs a long random SECRET_KEY "
            "in the environment (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        ) from None
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-" + "x" * 40)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_filters",
    "health_check",
    "phonenumber_field",
    "imagekit",
    "marketplace",
    "shops",
    "catalog",
    "referrals",
    "orders",
    "messaging",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.middleware.RussianByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "marketplace.auth.CachedAuthenticationMiddleware",
    "marketplace.middleware.LazyMessageMiddleware",
    # Content-Security-Policy and X-Frame-Options (django-csp's policy, Django's frame rule).
    "marketplace.middleware.SecurityHeadersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "orders.attribution.AttributionMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every log-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "marketplace.context_processors.site",
                "orders.context_processors.cart",
                "messaging.context_processors.unread",
                "referrals.context_processors.programme",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "marketplace.templatetags.money",
                "marketplace.templatetags.forms",
                "marketplace.templatetags.phones",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# An empty DATABASE_URL counts as unset (SQLite), like every other variable here.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Without persistent connections a simple page costs ~3x on PostgreSQL.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, so psycopg prepares the queries a page repeats (their plans
    # are made once per connection, not on every request). Off behind a pooler that cannot keep
    # prepared statements (PgBouncer older than 1.21 in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "DB_SERVER_SIDE_BINDING", default=False
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default=None)
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, broker, results ----------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "marketplace.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lavka",
            "OPTIONS": {
                # A Redis outage must never take pages down: short timeouts, errors ignored.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # Not one log line per skipped call: marketplace.cache logs when Redis stops and starts answering.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lavka"}}

# After a timeout or a refused connection each process leaves Redis alone this long (cache and
# task publishing alike; marketplace.cache.CircuitBreaker), so a hung Redis costs a request one
# socket timeout at most.
REDIS_DOWN_SECONDS = env.float("REDIS_DOWN_SECONDS", default=5.0)

# Sessions live in the database with a cache in front, so they survive a Redis outage.
SESSION_ENGINE = "marketplace.sessions"

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# No broker: tasks run in-process (make run, tests). The outbox keeps mail safe either way.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Moscow"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_ACKS_LATE = True
# A pool process killed mid-task (OOM killer, a deploy's SIGKILL) puts the task back in the queue
# instead of acknowledging it as failed: it runs again, and every task is idempotent
# (marketplace/tests/test_worker_faults.py).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a request must fail fast when the broker is down: the outbox row stays
# pending and the periodic re-send delivers it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    # A failed publish is not retried after a pause (kombu would sleep 2 s): the outbox resends.
    "interval_start": 0,
    "socket_timeout": 2,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    "outbox-resend-pending": {
        "task": "marketplace.tasks.outbox_resend_pending_task",
        "schedule": crontab(minute="*/5"),
    },
    "catalog-labels-refresh": {
        "task": "catalog.tasks.labels_refresh_task",
        "schedule": crontab(minute=7),
    },
    "orders-tracking-refresh": {
        "task": "orders.tasks.tracking_refresh_task",
        "schedule": crontab(minute=23, hour="*/2"),
    },
    "messaging-notify-pending": {
        "task": "messaging.tasks.notify_pending_task",
        "schedule": crontab(minute="*"),
    },
    "moderation-orders-unprocessed": {
        "task": "moderation.tasks_complaints.orders_unprocessed_task",
        "schedule": crontab(minute=11),
    },
    "moderation-messages-unanswered": {
        "task": "moderation.tasks_queues.messages_unanswered_task",
        "schedule": crontab(hour=6, minute=5),
    },
    "moderation-texts-scan": {
        "task": "moderation.tasks_queues.texts_scan_task",
        "schedule": crontab(hour=3, minute=35),
    },
    "referrals-rounds-rotate": {
        "task": "referrals.tasks.rounds_rotate_task",
        "schedule": crontab(minute="*/10"),
    },
    "messaging-response-times": {
        "task": "messaging.tasks.response_times_refresh_task",
        "schedule": crontab(minute=41),
    },
    "moderation-reliable-recheck": {
        "task": "moderation.tasks.reliable_recheck_task",
        "schedule": crontab(hour=4, minute=17),
    },
}

# --- Auth and accounts ------------------------------------------------------
AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out log-ins before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
# The host (and port) in e-mail links. In development it follows PORT, which `make run` exports,
# so `PORT=8001 make run` mails working links; production has no sensible default.
if PRODUCTION:
    try:
        SITE_DOMAIN = env.str("SITE_DOMAIN")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SITE_DOMAIN is not set: production needs the site's public domain (e.g. lavka.example.com) "
            "for the links in e-mails."
        ) from None
else:
    SITE_DOMAIN = env.str("SITE_DOMAIN", default=f"127.0.0.1:{env.int('PORT', default=8000)}")
SITE_NAME = "Лавка"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory: only then does allauth's enumeration prevention cover sign-up too (a registered
# address gets the same "we sent you an e-mail" page, and its owner a note instead of a new account).
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.forms.SignupProfileForm"
ACCOUNT_ADAPTER = "marketplace.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Лавка] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
# allauth would also lock an e-mail after 5 failures from anywhere; django-axes locks by
# e-mail + address instead, so allauth keeps only its per-address limit.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# django-axes: lock a user name from one address only, so that nobody can lock another
# person out of their account by typing wrong passwords from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "marketplace.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "marketplace/locked_out.html"
# The client's address comes from one function that trusts exactly PROXY_COUNT proxies;
# axes, allauth's rate limits and django-ratelimit all use it.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "marketplace.security.client_ip"
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT
RATELIMIT_IP_META_KEY = "marketplace.security.client_ip"
AXES_VERBOSE = False

# Guest checkout can't be a script's way to reserve stock or to relay e-mails: a guest order
# holds a few pieces of one product, and guests place a few orders an hour per address and
# per e-mail (django-ratelimit rates; cache-backed).
GUEST_MAX_PIECES_PER_PRODUCT = env.int("GUEST_MAX_PIECES_PER_PRODUCT", default=5)
GUEST_CHECKOUT_RATE_PER_ADDRESS = env.str("GUEST_CHECKOUT_RATE_PER_ADDRESS", default="5/h")
GUEST_CHECKOUT_RATE_PER_EMAIL = env.str("GUEST_CHECKOUT_RATE_PER_EMAIL", default="3/h")

# --- Messaging (messaging app) ---------------------------------------------------------------
# Messages one person may send (counted across their conversations), per minute and per day.
MESSAGING_RATE_PER_MINUTE = env.int("MESSAGING_RATE_PER_MINUTE", default=10)
MESSAGING_RATE_PER_DAY = env.int("MESSAGING_RATE_PER_DAY", default=300)
# A burst of messages is e-mailed as one notice: at most one per conversation and side per this many minutes.
MESSAGING_NOTIFY_INTERVAL_MINUTES = env.int("MESSAGING_NOTIFY_INTERVAL_MINUTES", default=5)
# How often open pages ask for new messages and unread counts (htmx polling), seconds.
MESSAGING_POLL_SECONDS = env.int("MESSAGING_POLL_SECONDS", default=5)
# The storefront shows «usually answers within N h» once the shop answered this many conversations in 30 days.
MESSAGING_RESPONSE_MIN_CONVERSATIONS = env.int("MESSAGING_RESPONSE_MIN_CONVERSATIONS", default=5)

# --- «Дружные скидки» (referrals app) --------------------------------------------------------
# Friends following a link from one client address within this many seconds count once.
REFERRAL_SAME_ADDRESS_SECONDS = env.int("REFERRAL_SAME_ADDRESS_SECONDS", default=600)
# Invitations one person may send: addresses in one go, and in a day.
REFERRAL_INVITES_PER_SEND = env.int("REFERRAL_INVITES_PER_SEND", default=20)
REFERRAL_INVITES_PER_DAY = env.int("REFERRAL_INVITES_PER_DAY", default=50)

PHONENUMBER_DEFAULT_REGION = "RU"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Sold files of digital products (catalog.DigitalFile): a folder of their own, outside MEDIA_ROOT,
# so no /media/ address (ours or nginx's) ever reaches them; only orders.views.downloads sends them.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private")))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-files-have-no-url/"},
}
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Several web machines share uploads through S3-compatible storage (django-storages[s3]).
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_QUERYSTRING_AUTH = False
    # Sold files: private objects under «private/», reached only through signed URLs that
    # expire in PROTECTED_FILES_URL_SECONDS (marketplace.media.protected_download redirects there).
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "private", "default_acl": "private", "querystring_auth": True,
                    "file_overwrite": False},
    }  # fmt: skip

# How a permitted download of a sold file is sent (marketplace.media.protected_download):
# "" — Django streams it (Range supported); "nginx" — an X-Accel-Redirect to
# PROTECTED_FILES_ACCEL_PREFIX + the file's name, an internal nginx location aliased to
# PRIVATE_MEDIA_ROOT (deploy/); "sendfile" — X-Sendfile with the full path (Apache, lighttpd).
PROTECTED_FILES_SERVER = env.str("PROTECTED_FILES_SERVER", default="")
PROTECTED_FILES_ACCEL_PREFIX = env.str("PROTECTED_FILES_ACCEL_PREFIX", default="/_protected/")
PROTECTED_FILES_URL_SECONDS = env.int("PROTECTED_FILES_URL_SECONDS", default=120)
# Digital goods (catalog.digital): the largest sold file (and the largest folder, all its files
# together), what an uploaded zip may unpack to, and how many files it may hold.
DIGITAL_MAX_FILE_BYTES = env.int("DIGITAL_MAX_FILE_BYTES", default=200 * 1024 * 1024)
DIGITAL_MAX_UNPACKED_BYTES = env.int("DIGITAL_MAX_UNPACKED_BYTES", default=1024 * 1024 * 1024)
DIGITAL_MAX_ZIP_ENTRIES = env.int("DIGITAL_MAX_ZIP_ENTRIES", default=500)
# A resumed download (a Range from a later byte) within this time of a counted one isn't counted
# again, this many times at most; then a Range request counts as a new download.
DIGITAL_RESUME_SECONDS = env.int("DIGITAL_RESUME_SECONDS", default=6 * 3600)
DIGITAL_RESUMES_PER_DOWNLOAD = env.int("DIGITAL_RESUMES_PER_DOWNLOAD", default=10)

# Thumbnails are made when a photo is uploaded; pages only compute their URLs (no storage
# look-ups per request).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "cache"
# imagekit would remember "this thumbnail exists" in the cache forever; with thumbnails made
# only on upload, asking the storage then is cheap and never wrong.
CACHES["imagekit"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# A catalog page's rows (which products, in which order) are kept this long under the catalog's
# generation, like its count; 0 asks the database on every request (bench/growth.py does, to
# measure the queries themselves).
LISTING_ROWS_SECONDS = env.int("LISTING_ROWS_SECONDS", default=60)
# {% cache %} fragments: the default cache, read ahead in one round trip where a view knows the
# keys (marketplace.cache.PrefetchedCache).
CACHES["template_fragments"] = {"BACKEND": "marketplace.cache.PrefetchedCache", "OPTIONS": {"TARGET": "default"}}
IMAGEKIT_CACHE_BACKEND = "imagekit"

# Upload limits: requests and single files (images have their own, stricter check).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# No form takes more than 10 files at once (product photos); anything far beyond is refused
# by Django before a single file is read (400).
DATA_UPLOAD_MAX_NUMBER_FILES = 20
MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------
# EMAIL_URL (smtp://user:pass@host:587, consolemail://, filemail:////abs/path: four slashes, as
# django-environ drops one and a third would be a relative path) sets EMAIL_BACKEND,
# EMAIL_HOST and the rest in one go.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Лавка <noreply@lavka.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
# Site admins get every order invoice and status change (seed 001).
ADMINS = [("Lavka", addr) for addr in env.list("ADMIN_EMAILS", default=["admin@lavka.test"])]
# The outbox's back-off: the first retry after OUTBOX_RETRY_SECONDS, doubling up to 6 hours;
# after OUTBOX_MAX_ATTEMPTS the e-mail is «failed» and waits for an admin (about 14.5 hours).
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)

# --- Carriers (parcel tracking) ---------------------------------------------
# Without credentials the tracking page links to the carrier's own public page instead.
RUSSIAN_POST_TRACKING_URL = env.str("RUSSIAN_POST_TRACKING_URL", default="https://tracking.russianpost.ru/rtm34")
RUSSIAN_POST_LOGIN = env.str("RUSSIAN_POST_LOGIN", default="")
RUSSIAN_POST_PASSWORD = env.str("RUSSIAN_POST_PASSWORD", default="")
CDEK_API_URL = env.str("CDEK_API_URL", default="https://api.cdek.ru/v2")
CDEK_CLIENT_ID = env.str("CDEK_CLIENT_ID", default="")
CDEK_CLIENT_SECRET = env.str("CDEK_CLIENT_SECRET", default="")
CARRIER_TIMEOUT = env.float("CARRIER_TIMEOUT", default=5.0)  # seconds, per attempt
CARRIER_RETRIES = env.int("CARRIER_RETRIES", default=2)  # extra attempts on errors that may pass
# How often tracking of an undelivered parcel is asked again, and for how long after shipping.
TRACKING_REFRESH_HOURS = env.int("TRACKING_REFRESH_HOURS", default=2)
TRACKING_GIVE_UP_DAYS = env.int("TRACKING_GIVE_UP_DAYS", default=90)

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
# Django's clickjacking middleware is replaced by marketplace.middleware.SecurityHeadersMiddleware,
# which sends the same header; marketplace.checks.security_headers checks it is installed instead.
SILENCED_SYSTEM_CHECKS = ["security.W002"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ping/$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Django admin widgets still set style attributes; scripts stay strict.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"] + env.list("CSP_IMG_EXTRA", default=[]),
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's defaults would also e-mail ADMINS (AdminEmailHandler) on every server error
        # and every bad Host header, synchronously and outside the outbox: errors are logged to
        # the console instead, and nothing here sends mail.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Scanners send foreign Host headers all day: a console line each, never an e-mail.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

MESSAGE_TAGS = {40: "danger"}
