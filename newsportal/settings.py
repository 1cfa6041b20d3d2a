"""newsportal settings, read from the environment (see .env.example).

With nothing set you get the embedded defaults: SQLite, a local-memory cache, console email and
DEBUG on. With DJANGO_DEBUG=False the settings are strict: a real secret key and allowed hosts
are required, and `manage.py check --deploy` is clean.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsportal.served_files import add_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-used-in-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or (_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=False needs DJANGO_SECRET_KEY set to a random string of 50+ characters."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_DEBUG=False needs DJANGO_ALLOWED_HOSTS (comma-separated).")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used in feeds, sitemaps, canonical links and JSON-LD when no
# request is at hand. Empty means "the host of the current request".
SITE_NAME = env.str("DJANGO_SITE_NAME", default="Newsportal")
# Where the site lives, for links in mail sent outside a request (moderators' notifications).
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "reversion",
    "django_prose_editor",
    "axes",
    "newsportal",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refused before any session, CSRF or view work, and before any body is read (the CSRF
    # check reads request.POST): unserved methods, public bodies no page of ours sends, text
    # that is not UTF-8.
    "newsportal.middleware.HttpMethodsMiddleware",
    "newsportal.request_bodies.PublicRequestBodyMiddleware",
    "newsportal.middleware.Utf8TextMiddleware",
    # A WordPress site's old addresses (/?p=123, /2024/03/01/slug/): looked up only for the
    # home page's WordPress queries and where no page answers, so no page pays for it.
    "articles.redirects.OldAddressMiddleware",
    # ETag on every page, and 304 when it is unchanged (keeping the cache headers below).
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages kept in Django's cache too, purged by the same keys (page_cache.py).
    "newsportal.page_cache.PageCacheMiddleware",
    # Outside sessions and CSRF, to see their cookies: public pages get shared-cache headers.
    "newsportal.front_cache.FrontCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The front cache (newsportal/front_cache.py): how long public pages may be kept and served
# stale while refreshed, the header naming their keys (vmod_xkey's; a CDN wants Surrogate-Key or
# Cache-Tag), and where purges go (each Varnish node, comma-separated; empty: no front cache).
FRONT_CACHE_SECONDS = env.int("DJANGO_FRONT_CACHE_SECONDS", default=600)
FRONT_CACHE_STALE_SECONDS = env.int("DJANGO_FRONT_CACHE_STALE_SECONDS", default=60)
FRONT_CACHE_KEY_HEADER = env.str("DJANGO_FRONT_CACHE_KEY_HEADER", default="xkey")
FRONT_CACHE_PURGE_URLS = env.list("DJANGO_FRONT_CACHE_URLS", default=[])
FRONT_CACHE_PURGE_TIMEOUT = 2
# The application's own page cache (newsportal/page_cache.py), in Django's cache.
PAGE_CACHE = env.bool("DJANGO_PAGE_CACHE", default=True)
# Parts of pages kept rendered under the same keys (newsportal/fragments.py): what a page the
# page cache does not hold costs to render. Off only to measure a render from nothing.
FRAGMENT_CACHE = env.bool("DJANGO_FRAGMENT_CACHE", default=True)
FRAGMENT_CACHE_SECONDS = 60 * 60

ROOT_URLCONF = "newsportal.urls"
# Error pages that cannot fail again (handler400… are in the root URLconf).
CSRF_FAILURE_VIEW = "newsportal.errors.csrf_failure"
WSGI_APPLICATION = "newsportal.wsgi.application"

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
                "django.template.context_processors.csp",
                "articles.context_processors.site",
            ],
        },
    },
]

# An empty DATABASE_URL (as in .env.example) means the embedded default too.
DATABASES = {
    "default": environ.Env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
SILENCED_SYSTEM_CHECKS = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a comment is being written; IMMEDIATE transactions take the
    # write lock up front so concurrent writers queue (up to `timeout`) instead of failing with
    # "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # SQLite has no covering indexes and ignores the columns an index includes for
    # PostgreSQL's index-only scans (comments' history index); it says so at every check.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# Each worker keeps its connection between requests (DJANGO_CONN_MAX_AGE seconds; 0 closes it
# after every request): opening one cost a page-cache hit a third of its time (#8).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, so psycopg prepares a statement a connection runs five
    # times and PostgreSQL plans it once: 7-10 % more comment posts a second (#8). Off for a
    # pooler in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "server_side_binding", env.bool("DJANGO_DB_SERVER_SIDE_BINDING", default=True)
    )

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsportal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsportal",
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Production without Redis: a cache every worker and server shares (`manage.py
    # createcachetable` makes its table; `make` runs it after migrating). A per-process cache
    # in production is a deploy-check warning (newsportal.W001).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsportal_cache",
            # Django's default, 300 entries, is less than one version per article of a small
            # archive: past it a third of the entries are dropped at each write, versions
            # too, and each lost version is a purge (page_cache.py). Expired pages go first.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password guessing: django-axes counts failed logins in the database (so every worker and
# server sees them) and locks a username, or an address, after AXES_FAILURE_LIMIT failures for
# AXES_COOLOFF_TIME. Superusers unlock from the admin (Axes → Access attempts: delete) or with
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15))
# Either one locks: many guesses at one account from many addresses, or at many accounts from
# one address.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# The reader's address as the comments see it: behind our own proxies, the one they report.
AXES_CLIENT_IP_CALLABLE = "comments.spam.client_ip"
AXES_LOCKOUT_CALLABLE = "newsportal.lockout.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default="") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded images are served by the site itself (no CDN); a bigger deployment points a web
# server at MEDIA_ROOT and turns this off.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest form a reader can send: a 65,525-character comment of three-byte characters,
# percent-encoded, with room to spare. Bigger public bodies are refused unread.
PUBLIC_FORM_MAX_BYTES = 1024 * 1024
# Static and media files opened on their own run nothing (newsportal/served_files.py). Static
# files are same-origin only unless they are served from another domain (a CDN) to our pages.
WHITENOISE_ADD_HEADERS_FUNCTION = add_file_headers
WHITENOISE_ALLOW_ALL_ORIGINS = env.bool("DJANGO_STATIC_ALLOW_ALL_ORIGINS", default=False)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Console email while developing; SMTP (configured by DJANGO_EMAIL_*) in production.
_EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("DJANGO_EMAIL_HOST", default="localhost"),
        "port": env.int("DJANGO_EMAIL_PORT", default=25),
        "username": env.str("DJANGO_EMAIL_USER", default=""),
        "password": env.str("DJANGO_EMAIL_PASSWORD", default=""),
        "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
    }
# Background work (moderators' mail) goes through Django's task framework. The database backend
# (django-tasks-db) keeps the queue in our own database; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env.str("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="newsroom@localhost")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_ENGINE = "newsportal.sessions"  # Django's database sessions, saved once per change
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is served by the site itself, so the policy can be strict: no inline script, no
# other origin. data: images are Bootstrap's inline SVG icons. The nonce is for the admin's
# editor, whose import map is an inline script that Django's media rendering stamps with it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Trust X-Forwarded-Proto only behind a TLS-terminating proxy that sets it (and strips a
# client's own): anywhere else a client could claim https with it.
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    # Both bind every subdomain of the site's domain to HTTPS for a year, and preloading is
    # built into browsers and takes months to undo: opt in by setting them, not by default.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
    )
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if SECURE_HSTS_PRELOAD and not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_HSTS_PRELOAD=True needs DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS=True "
            "(the preload list takes only sites that cover their subdomains)."
        )
    # check --deploy warns when these are off; off is our considered default (see above), so
    # its warnings are silenced until DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS / _PRELOAD opt in.
    SILENCED_SYSTEM_CHECKS += [
        *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
        *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # axes logs every start at INFO; its lockouts (WARNING) still show.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Site policies that editors may tune; each app names and defaults its own in its conf module
# (articles/conf.py, comments/conf.py). The environment may override these, and only where it
# sets them: the defaults stay in the conf modules. COMMENTS_TRUSTED_PROXIES is a deployment
# fact, not policy: how many reverse proxies append to X-Forwarded-For.
if "ARTICLES_RELATED_COUNT" in env.ENVIRON:
    ARTICLES_RELATED_COUNT = env.int("ARTICLES_RELATED_COUNT")
if "COMMENTS_TRUSTED_PROXIES" in env.ENVIRON:
    COMMENTS_TRUSTED_PROXIES = env.int("COMMENTS_TRUSTED_PROXIES")
