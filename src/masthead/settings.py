"""Masthead's one settings module.

Everything a site owner may change comes from environment variables (the `masthead` command turns
its flags into them before Django starts):

  MASTHEAD_DATA_DIR   the SQLite database, secret key and uploads (default ./masthead-data)
  DATABASE_URL        use another database, e.g. postgres://user@host/db
  REDIS_URL           share the cache between processes and machines through Redis
  SECRET_KEY          otherwise generated once and kept in the data dir
  MASTHEAD_DEBUG      "1" turns on Django's debug pages (never on a public site)
  MASTHEAD_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost)
  MASTHEAD_BASE_URL   the public address, used in feeds, sitemaps and e-mails
  EMAIL_URL-style settings: MASTHEAD_EMAIL_HOST (SMTP when set; console otherwise)
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MASTHEAD_DATA_DIR", "masthead-data")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if not DATA_DIR.is_dir():
        # No data dir (a bare `pytest`, say): a throwaway key, and nothing written anywhere.
        return secrets.token_urlsafe(50)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_flag("MASTHEAD_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("MASTHEAD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
BASE_URL = os.environ.get("MASTHEAD_BASE_URL", "").rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL else []

INSTALLED_APPS = [
    # The newsroom comes first so its admin templates (review queue, history) override Django's.
    "masthead.newsroom",
    "masthead.newsroom.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "masthead.site.apps.SiteConfig",
    "masthead.comments",
    "masthead.antispam",
    "masthead.consent",
    "masthead.related",
    "masthead.discovery",
    "masthead.importers",
    "masthead.jobs",
    "django_tasks",
    "django_tasks_db",
]

# Background jobs (masthead.jobs): a database-backed queue, so the embedded default needs no
# extra server and several app servers on PostgreSQL share one queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A worker not heard from for this long is taken for dead and its job runs again elsewhere.
MASTHEAD_JOBS_STALE_SECONDS = int(os.environ.get("MASTHEAD_JOBS_STALE_SECONDS", "60"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "masthead.site.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "masthead.site.middleware.SiteTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees 404s first: old addresses answer 301 (see site/legacy_redirects.py).
    "masthead.site.legacy_redirects.LegacyRedirectMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.site.context.site_furniture",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "masthead.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while an editor writes; IMMEDIATE avoids
                # "database is locked" on upgrade from a read to a write transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "masthead",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: bare addresses mean https
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("MASTHEAD_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

if os.environ.get("MASTHEAD_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["MASTHEAD_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("MASTHEAD_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("MASTHEAD_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("MASTHEAD_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_flag("MASTHEAD_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("MASTHEAD_FROM_EMAIL", "masthead@localhost")

# Lists on public pages.
MASTHEAD_PAGE_SIZE = int(os.environ.get("MASTHEAD_PAGE_SIZE", "12"))

# Whole-page cache for anonymous readers (masthead/site/page_cache.py); 0 turns it off.
MASTHEAD_PAGE_CACHE_SECONDS = int(os.environ.get("MASTHEAD_PAGE_CACHE_SECONDS", "300"))
MASTHEAD_PAGE_CACHE_SKIP_PREFIXES = (
    "/admin/", "/api/", "/media/", "/static/", "/consent/", "/comments/",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Consent and privacy (masthead.consent) ------------------------------------------------------
# Defaults for the consent settings administrators edit in the admin ("Consent settings"); once
# an administrator saves that page, the saved values win. A value that is not a number falls back
# to the default rather than stopping the site.
def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


MASTHEAD_CONSENT = {
    "MODE": os.environ.get("MASTHEAD_CONSENT_MODE", "opt_in"),  # or "notice_only"
    "POLICY_VERSION": _env_int("MASTHEAD_CONSENT_POLICY_VERSION", 1),
    "GOOGLE_CONSENT_MODE": _env_flag("MASTHEAD_GOOGLE_CONSENT_MODE"),
    "CHOICE_MAX_AGE_DAYS": _env_int("MASTHEAD_CONSENT_MAX_AGE_DAYS", 180),
    "LOG_RETENTION_DAYS": _env_int("MASTHEAD_CONSENT_LOG_DAYS", 395),
    "COMMENT_IP_RETENTION_DAYS": _env_int("MASTHEAD_COMMENT_IP_DAYS", 30),
    # The first-party, strictly necessary cookie that holds a reader's choice.
    "COOKIE_NAME": os.environ.get("MASTHEAD_CONSENT_COOKIE", "masthead_consent"),
}

# --- Discovery: feeds, sitemaps, site search, content API (masthead.discovery) -------------------
# Feeds carry the whole article ("full") or only its summary ("summary"); either way each item
# links to the page. MASTHEAD_FEED_ITEMS is how many of the newest articles a feed lists.
MASTHEAD_FEED_CONTENT = (
    "summary" if os.environ.get("MASTHEAD_FEED_CONTENT", "full").strip().lower() == "summary"
    else "full"
)
MASTHEAD_FEED_ITEMS = max(1, min(200, _env_int("MASTHEAD_FEED_ITEMS", 20)))
# PostgreSQL's text search configuration for stemming (english, german, simple, ...). SQLite
# uses the Porter stemmer (English) whatever this says.
MASTHEAD_SEARCH_LANGUAGE = os.environ.get("MASTHEAD_SEARCH_LANGUAGE", "english").strip().lower()
# Relevance is computed over at most this many of the newest matches (see discovery/search).
MASTHEAD_SEARCH_RANK_WINDOW = max(100, _env_int("MASTHEAD_SEARCH_RANK_WINDOW", 2000))
MASTHEAD_SEARCH_PAGE_SIZE = 10
MASTHEAD_API_PAGE_SIZE = 20
MASTHEAD_API_MAX_PAGE_SIZE = 100

# -- Related articles (masthead.related): "You may also like" and the "See also" line ---------
# How many articles the block shows.
MASTHEAD_RELATED_COUNT = max(1, int(os.environ.get("MASTHEAD_RELATED_COUNT", "6")))
# The See also line goes after this top-level paragraph (0 turns it off site-wide) ...
MASTHEAD_RELATED_SEE_ALSO_AFTER = int(os.environ.get("MASTHEAD_RELATED_SEE_ALSO_AFTER", "2"))
# ... of bodies with at least this many top-level paragraphs (shorter ones get none).
MASTHEAD_RELATED_SEE_ALSO_MIN_PARAGRAPHS = int(
    os.environ.get("MASTHEAD_RELATED_SEE_ALSO_MIN_PARAGRAPHS", "4"))
# Archives up to this size refit the index on a save when they have doubled since the last fit;
# larger ones are built with `masthead rebuild_related`.
MASTHEAD_RELATED_AUTO_BUILD_MAX = int(os.environ.get("MASTHEAD_RELATED_AUTO_BUILD_MAX", "5000"))
# "auto" uses the sentence-embedding plug-in when it is installed (pip install masthead[semantic]);
# "off" keeps to the text method.
MASTHEAD_RELATED_SEMANTIC = os.environ.get("MASTHEAD_RELATED_SEMANTIC", "auto").strip().lower()

# -- Comments and the spam defence (masthead.comments, masthead.antispam) -------------------
# Discussion settings (thread depth, closing, block lists, retention, trial mode) live in the
# database and are edited in the admin; these are the deployment-level knobs.
# The local filter normally decides in about a millisecond; slower than this, the comment is held.
MASTHEAD_SPAM_BUDGET_MS = max(10, _env_int("MASTHEAD_SPAM_BUDGET_MS", 250))
# Another starter model file instead of the one shipped in the package (see docs/antispam.md).
MASTHEAD_SPAM_STARTER_MODEL = os.environ.get("MASTHEAD_SPAM_STARTER_MODEL", "")
# Optional Akismet signal: set a key to send each new comment to Akismet as one more opinion.
MASTHEAD_AKISMET_KEY = os.environ.get("MASTHEAD_AKISMET_KEY", "")
MASTHEAD_AKISMET_URL = os.environ.get("MASTHEAD_AKISMET_URL", BASE_URL)
MASTHEAD_AKISMET_TIMEOUT = float(os.environ.get("MASTHEAD_AKISMET_TIMEOUT", "2"))

# -- Security: error pages, proxies, headers, login throttling (harden) ----------------------
# One block for everything that hardens the site for the open internet (README "Security").
# A refused CSRF token gets the site's own 403 page, which never reads the request body.
CSRF_FAILURE_VIEW = "masthead.site.errors.csrf_failure"
