"""Django settings for detente. Every value comes from the environment (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from detente import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = env.env_bool("DETENTE_DEBUG", False)
ALLOWED_HOSTS = env.env_list("DETENTE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.env_list("DETENTE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.env_str("DETENTE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "detente.accounts",
    "detente.alliances",
    "detente.audit",
    "detente.objectives",
    "detente.commitments",
    "detente.agreements",
    "detente.differences",
    "detente.health",
    "detente.goals",
    "detente.milestones",
    "detente.decisions",
    "detente.negotiation",
    "detente.vision",
    "detente.conflicts",
    "django_tasks",
    "django_tasks_db",
    "detente.jobs",
    "detente.notifications",
    "detente.threads",
    "detente.activity",
    "detente.meetings",
    "detente.plans",
    "detente.approvals",
    "detente.relationships",
    "detente.calendars",
    "detente.overlap",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "detente.accounts.sessions.SessionLifetimeMiddleware",
]

ROOT_URLCONF = "detente.urls"
WSGI_APPLICATION = "detente.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.database(DATA_DIR / "detente.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # OWASP ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# A browser session ends this many hours after signing in, however active (OWASP ASVS 3.3.2).
SESSION_LIFETIME_HOURS = env.env_int("DETENTE_SESSION_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_LIFETIME_HOURS * 3600
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins: django-axes locks an account out after this many failures, counted under
# the normalised email (any letter case, any address): an attacker spreading guesses over
# spellings or addresses gets no more tries. The trade-off, taken on purpose: anyone can
# lock an account for the cool-off time by failing on purpose.
AXES_FAILURE_LIMIT = env.env_int("DETENTE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.env_int("DETENTE_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address in the lockout key; keying by address as well would lock
# every account of an office behind one NAT after one person's typos, and keying by the
# account alone already stops guessing one account from many addresses (docs/security.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "detente.accounts.lockout.normalised_email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

INVITATION_MAX_AGE_DAYS = env.env_int("DETENTE_INVITATION_DAYS", 7, minimum=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.env_str("DETENTE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.env_str("DETENTE_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the package in development and for the demo, so that
# `detente demo` needs no collectstatic step; production runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_HOST = env.env_str("DETENTE_EMAIL_HOST", "")
EMAIL_PORT = env.env_int("DETENTE_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.env_str("DETENTE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.env_str("DETENTE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.env_bool("DETENTE_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env.env_str("DETENTE_EMAIL_FROM", "detente <detente@localhost>")
# Without a mail server, emails are printed to the console (the demo shows invitation links).
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Background jobs (emails, webhooks, digests, scans): django-tasks. "database" stores jobs in
# the database for `detente worker` (or the worker thread of `detente serve`); "immediate"
# runs each job where it is enqueued (the tests). See docs/notifications.md.
TASKS_BACKEND = env.env_str("DETENTE_TASKS", "database")
if TASKS_BACKEND not in ("database", "immediate"):
    raise ImproperlyConfigured(
        f"DETENTE_TASKS must be 'database' or 'immediate', not {TASKS_BACKEND!r}."
    )
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Behind TLS in production: DETENTE_SECURE=true turns on HSTS, secure cookies and redirects.
SECURE = env.env_bool("DETENTE_SECURE", False)
if SECURE:
    SECURE_SSL_REDIRECT = env.env_bool("DETENTE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.env_int("DETENTE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and requests from this site
# only. No 'unsafe-inline' and no 'unsafe-eval': the templates carry no inline script, event
# handler or style attribute (data goes through json_script, see docs/frontend.md), htmx runs
# with allowEval false and without its indicator styles, and Chart.js needs neither.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("DETENTE_LOG_LEVEL", "WARNING")},
}
