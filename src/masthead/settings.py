"""Masthead's one settings module.

Everything a site owner may change comes from environment variables, read one way: through
`masthead.environment` (django-environ underneath), which checks each value's form and stops
start-up with one line naming a bad value or an unknown MASTHEAD_* name. The `masthead` command
turns its flags into variables before Django starts. README.md › Configuration lists them all:

  MASTHEAD_DATA_DIR   the SQLite database, secret key and uploads (default ./masthead-data)
  DATABASE_URL        use another database, e.g. postgres://user@host/db
  REDIS_URL           share the cache between processes and machines through Redis
  SECRET_KEY          otherwise generated once and kept in the data dir
  MASTHEAD_DEBUG      1 turns on Django's debug pages (never on a public site)
  ...
"""

import ipaddress
import secrets
from datetime import timedelta
from pathlib import Path

from masthead.environment import ConfigurationError, Environment

env = Environment()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.path("MASTHEAD_DATA_DIR", "masthead-data")
# Read by the `masthead` command itself, before Django starts (see masthead/cli.py).
env.allow("MASTHEAD_PORT", "MASTHEAD_WORKERS", "MASTHEAD_ACCESS_LOG")


def _secret_key() -> str:
    if key := env.str("SECRET_KEY"):
        return key
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
DEBUG = env.bool("MASTHEAD_DEBUG", False)
ALLOWED_HOSTS = env.list("MASTHEAD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
BASE_URL = env.url("MASTHEAD_BASE_URL")
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
    "axes",  # login throttling (settings in the security block at the end)
    "masthead.backups",  # `masthead backup` / `masthead restore`
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
MASTHEAD_JOBS_STALE_SECONDS = env.int("MASTHEAD_JOBS_STALE_SECONDS", 60, minimum=5)

MIDDLEWARE = [
    # First: only a trusted proxy may say the request came over HTTPS (site/proxies.py).
    "masthead.site.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "masthead.site.cookies.SecureCookiesMiddleware",
    "masthead.site.page_cache.AnonymousPageCacheMiddleware",
    # Inside the page cache, so a cached page keeps the policy it was rendered with.
    "masthead.site.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "masthead.site.middleware.SiteTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a locked-out sign-in with the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
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

if database := env.database("DATABASE_URL"):
    DATABASES = {"default": {**database, "CONN_MAX_AGE": 60}}
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

if redis_url := env.redis_url("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
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
TIME_ZONE = env.time_zone("MASTHEAD_TIME_ZONE", "UTC")
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

# SMTP when MASTHEAD_EMAIL_HOST is set; otherwise e-mail is printed on the console.
EMAIL_HOST = env.str("MASTHEAD_EMAIL_HOST")
EMAIL_PORT = env.int("MASTHEAD_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("MASTHEAD_EMAIL_USER")
EMAIL_HOST_PASSWORD = env.str("MASTHEAD_EMAIL_PASSWORD")
EMAIL_USE_TLS = env.bool("MASTHEAD_EMAIL_TLS", True)
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("MASTHEAD_FROM_EMAIL", "masthead@localhost")

# Lists on public pages.
MASTHEAD_PAGE_SIZE = env.int("MASTHEAD_PAGE_SIZE", 12, minimum=1, maximum=200)

# Whole-page cache for anonymous readers (masthead/site/page_cache.py); 0 turns it off.
MASTHEAD_PAGE_CACHE_SECONDS = env.int("MASTHEAD_PAGE_CACHE_SECONDS", 300, minimum=0)
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
# an administrator saves that page, the saved values win.
MASTHEAD_CONSENT = {
    "MODE": env.str("MASTHEAD_CONSENT_MODE", "opt_in", choices=["opt_in", "notice_only"]),
    "POLICY_VERSION": env.int("MASTHEAD_CONSENT_POLICY_VERSION", 1, minimum=1),
    "GOOGLE_CONSENT_MODE": env.bool("MASTHEAD_GOOGLE_CONSENT_MODE", False),
    "CHOICE_MAX_AGE_DAYS": env.int("MASTHEAD_CONSENT_MAX_AGE_DAYS", 180, minimum=1),
    "LOG_RETENTION_DAYS": env.int("MASTHEAD_CONSENT_LOG_DAYS", 395, minimum=1),
    "COMMENT_IP_RETENTION_DAYS": env.int("MASTHEAD_COMMENT_IP_DAYS", 30, minimum=1),
    # The first-party, strictly necessary cookie that holds a reader's choice.
    "COOKIE_NAME": env.str("MASTHEAD_CONSENT_COOKIE", "masthead_consent"),
}

# --- Discovery: feeds, sitemaps, site search, content API (masthead.discovery) -------------------
# Feeds carry the whole article ("full") or only its summary ("summary"); either way each item
# links to the page. MASTHEAD_FEED_ITEMS is how many of the newest articles a feed lists.
MASTHEAD_FEED_CONTENT = env.str("MASTHEAD_FEED_CONTENT", "full", choices=["full", "summary"])
MASTHEAD_FEED_ITEMS = env.int("MASTHEAD_FEED_ITEMS", 20, minimum=1, maximum=200)
# PostgreSQL's text search configuration for stemming (english, german, simple, ...). SQLite
# uses the Porter stemmer (English) whatever this says.
MASTHEAD_SEARCH_LANGUAGE = env.str("MASTHEAD_SEARCH_LANGUAGE", "english").lower()
# Relevance is computed over at most this many of the newest matches (see discovery/search).
MASTHEAD_SEARCH_RANK_WINDOW = env.int("MASTHEAD_SEARCH_RANK_WINDOW", 2000, minimum=100)
MASTHEAD_SEARCH_PAGE_SIZE = 10
MASTHEAD_API_PAGE_SIZE = 20
MASTHEAD_API_MAX_PAGE_SIZE = 100

# -- Related articles (masthead.related): "You may also like" and the "See also" line ---------
# How many articles the block shows.
MASTHEAD_RELATED_COUNT = env.int("MASTHEAD_RELATED_COUNT", 6, minimum=1, maximum=50)
# The See also line goes after this top-level paragraph (0 turns it off site-wide) ...
MASTHEAD_RELATED_SEE_ALSO_AFTER = env.int("MASTHEAD_RELATED_SEE_ALSO_AFTER", 2, minimum=0)
# ... of bodies with at least this many top-level paragraphs (shorter ones get none).
MASTHEAD_RELATED_SEE_ALSO_MIN_PARAGRAPHS = env.int(
    "MASTHEAD_RELATED_SEE_ALSO_MIN_PARAGRAPHS", 4, minimum=0)
# Archives up to this size refit the index on a save when they have doubled since the last fit;
# larger ones are built with `masthead rebuild_related`.
MASTHEAD_RELATED_AUTO_BUILD_MAX = env.int("MASTHEAD_RELATED_AUTO_BUILD_MAX", 5000, minimum=0)
# "auto" uses the sentence-embedding plug-in when it is installed (pip install masthead[semantic]);
# "off" keeps to the text method.
MASTHEAD_RELATED_SEMANTIC = env.str("MASTHEAD_RELATED_SEMANTIC", "auto", choices=["auto", "off"])

# -- Comments and the spam defence (masthead.comments, masthead.antispam) -------------------
# Discussion settings (thread depth, closing, block lists, retention, trial mode) live in the
# database and are edited in the admin; these are the deployment-level knobs.
# The local filter normally decides in about a millisecond; slower than this, the comment is held.
MASTHEAD_SPAM_BUDGET_MS = env.int("MASTHEAD_SPAM_BUDGET_MS", 250, minimum=10)
# Another starter model file instead of the one shipped in the package (see docs/antispam.md).
MASTHEAD_SPAM_STARTER_MODEL = env.str("MASTHEAD_SPAM_STARTER_MODEL")
# Optional Akismet signal: set a key to send each new comment to Akismet as one more opinion.
MASTHEAD_AKISMET_KEY = env.str("MASTHEAD_AKISMET_KEY")
MASTHEAD_AKISMET_URL = env.url("MASTHEAD_AKISMET_URL", BASE_URL)
MASTHEAD_AKISMET_TIMEOUT = env.float("MASTHEAD_AKISMET_TIMEOUT", 2.0, minimum=0.1, maximum=60)

# -- Security: error pages, proxies, headers, login throttling (harden) ----------------------
# One block for everything that hardens the site for the open internet (README "Security").
# A refused CSRF token gets the site's own 403 page, which never reads the request body.
CSRF_FAILURE_VIEW = "masthead.site.errors.csrf_failure"

# Trusted proxies (masthead/site/proxies.py): the addresses or CIDR ranges of the proxies in front
# (nginx, a load balancer, a CDN's ranges), comma-separated, or how many proxies stand in front.
# Only through them are X-Forwarded-For / Forwarded and X-Forwarded-Proto believed.
MASTHEAD_TRUSTED_PROXIES = env.list("MASTHEAD_TRUSTED_PROXIES", [])
for _proxy in MASTHEAD_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ConfigurationError(f"MASTHEAD_TRUSTED_PROXIES={_proxy!r} is not valid: expected "
                                 "IP addresses or CIDR ranges, comma-separated")
MASTHEAD_TRUSTED_PROXY_HOPS = env.int("MASTHEAD_TRUSTED_PROXY_HOPS", 0, minimum=0)
# Honoured only when a trusted proxy sent it: TrustedProxyMiddleware drops it otherwise.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Security headers. HSTS and Secure cookies apply only to requests that arrived over HTTPS
# (directly, or through a trusted proxy); a bare `masthead serve` over HTTP is unaffected.
SECURE_HSTS_SECONDS = env.int("MASTHEAD_HSTS_SECONDS", 63072000, minimum=0)  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("MASTHEAD_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("MASTHEAD_HSTS_PRELOAD", False)
# Redirect plain HTTP to HTTPS (set it when the site is reached over HTTPS, unless the proxy in
# front already redirects).
SECURE_SSL_REDIRECT = env.bool("MASTHEAD_HTTPS_REDIRECT", False)
CSRF_COOKIE_HTTPONLY = True  # scripts never read it: comments.js fetches a token instead
SESSION_COOKIE_HTTPONLY = True
# Other origins scripts loaded by consent snippets need (a tag manager loads more scripts, sends
# beacons): space-separated, e.g. "https://www.google-analytics.com https://*.doubleclick.net".
# The snippets' own hosts and inline scripts are allowed automatically (consent/page_context.py).
MASTHEAD_CSP_EXTRA_SOURCES = env.str("MASTHEAD_CSP_EXTRA_SOURCES").split()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", *MASTHEAD_CSP_EXTRA_SOURCES],
        # Style attributes come with content (table alignment) and the admin; no script can.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "https:", "data:"],
        "media-src": ["'self'", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *MASTHEAD_CSP_EXTRA_SOURCES],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if MASTHEAD_CSP_EXTRA_SOURCES:  # otherwise frames fall back to default-src 'none'
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"] = MASTHEAD_CSP_EXTRA_SOURCES
# Each names a function(request, response) -> {directive: [sources]} the page needs as well.
MASTHEAD_CSP_SOURCES = ["masthead.consent.page_context.csp_sources"]
PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "interest-cohort", "browsing-topics",
    )
}

# Login throttling (django-axes): after MASTHEAD_LOGIN_FAILURES wrong passwords for one user name
# from one address, that pair is locked out for MASTHEAD_LOGIN_LOCKOUT_MINUTES; every failure and
# lockout is logged ("axes" logger) and listed in the admin ("Access attempts"), where an
# administrator can delete an entry to unlock at once (or run `masthead axes_reset`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("MASTHEAD_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MASTHEAD_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "masthead.site.proxies.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "masthead.site.errors.locked_out"

# Last: every variable has been read, so a MASTHEAD_* name left over is a typo.
env.reject_unknown()
