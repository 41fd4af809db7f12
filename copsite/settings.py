"""Settings for copsite, read from the environment with embedded defaults.

Unset, every variable gives the embedded default a newcomer runs with `make run`:
SQLite under var/, Celery on kombu's filesystem broker, email written to var/mail/.
README's configuration table lists every variable read here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from copsite.broker import BROKER_URL as FILESYSTEM_BROKER_URL
from copsite.broker import broker_folders_prepare, broker_transport_options
from copsite.email_service import anymail_settings, esp_from
from copsite.sentry import sentry_init
from copsite.sso import mfa_required_for, oidc_apps
from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("COPSITE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only the embedded default (debug on) may run with a well-known key.
    SECRET_KEY = "dev-only-insecure-key-for-the-embedded-default-never-use-in-production"  # noqa: S105 -- debug-only fallback; production must set its own.

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# What the site calls itself in its pages and emails (allauth's emails read it as
# current_site.name: accounts/adapter.py).
SITE_NAME = env.str("SITE_NAME", default="copsite")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "csp",
    "core",
    "accounts",
    "communities",
    "sessions.apps.SessionsConfig",
    "outcomes",
    "reviews",
    "reflections",
    "impact",
    "search",
    "privacy",
    "anymail",
]

# The apps that contribute panels, digest sections and demo content to pages and jobs they
# do not own (core/plugins.py), in the order their panels appear. They are listed here, not
# in core, because core sits below every app and names none of them. They follow the
# layers, bottom to top, so each app's demo can build on the demo content of the apps below
# it (sessions' demo aligns its activities to outcomes' demo outcomes); impact is last: its
# demo history builds on every other app's demo content (privacy's demo export comes just
# before it, and its exports take impact's stories through core.plugins.export_parts).
PLUGIN_APPS = [
    "communities",
    "outcomes",
    "sessions",
    "reviews",
    "reflections",
    "privacy",
    "impact",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # NUL in an address is a 404 everywhere, the health check included (it is never a
    # real probe's address); then /healthz answers before the host check and redirect.
    "core.middleware.RefuseNulMiddleware",
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language cookie, else Accept-Language; a signed-in person's saved choice
    # overrides both (accounts.middleware.UserLanguageMiddleware).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.SsoFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.HtmxLoginRedirectMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "communities.middleware.OldSlugRedirectMiddleware",
]

ROOT_URLCONF = "copsite.urls"
WSGI_APPLICATION = "copsite.wsgi.application"

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
                "core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'copsite.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# A kept connection (DJANGO_CONN_MAX_AGE above 0: compose keeps them 60 s) is checked before
# a request uses it, so a database restarted, or a connection a pooler closed, costs one
# reconnect rather than the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process, the worker and beat share one file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # A database host that hangs (rather than refuses) fails a request, and /healthz, after
    # this many seconds instead of libpq's default of waiting as long as TCP does.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DJANGO_DB_CONNECT_TIMEOUT", default=5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code when its *estimated* cost passes
    # jit_above_cost. The visibility rules' subqueries (a response's audience, a
    # reflection's) are costed per row of a list, so a list query that runs in 7 ms was
    # estimated above the threshold and spent 0.6-1.3 s compiling: the sessions list at
    # 400x the floor (and the cold dashboards' aggregates hundreds of ms). No page's query
    # runs long enough for compiled code to pay for itself.
    #
    # random_page_cost: PostgreSQL's default (4) prices reading a page through an index at
    # four sequential reads, as on spinning disks. With SSD or cloud storage and the data
    # in memory it makes the planner read a whole table (every attendance record of the
    # site) rather than look up the few rows a page needs, which grows with the site: 1.1
    # is the usual setting for SSDs.
    page_cost = env.float("DJANGO_DB_RANDOM_PAGE_COST", default=1.1)
    DATABASES["default"]["OPTIONS"]["options"] = f"-c jit=off -c random_page_cost={page_cost}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# A cache outage costs speed only: while Redis is unreachable the cache answers as an empty
# one (core/cache.py), so pages work and allauth's rate limits are off until it is back.
# Short socket timeouts keep a Redis that hangs, rather than refuses, from stalling requests.
REDIS_CACHE = {
    "BACKEND": "core.cache.FailSoftRedisCache",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
if REDIS_URL:
    CACHES = {"default": {**REDIS_CACHE, "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long the dashboards keep the figures they computed (impact/snapshot.py);
# 0 computes them on every request.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth 65: email only, no usernames, current settings names only.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.AccountLoginForm",
    "signup": "accounts.forms.AccountSignupForm",
    "add_email": "accounts.forms.AccountAddEmailForm",
    "change_password": "accounts.forms.AccountChangePasswordForm",
    "set_password": "accounts.forms.AccountSetPasswordForm",
    "reauthenticate": "accounts.forms.AccountReauthenticateForm",
    "reset_password": "accounts.forms.AccountResetPasswordForm",
    "reset_password_from_key": "accounts.forms.AccountResetPasswordKeyForm",
}
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset never reveal who has an account: a taken address gets the
# same answer as a new one and its owner is told by email ("someone tried to sign up with
# your address"); a reset for an unknown address looks the same as for a known one.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}
# Single sign-on: OpenID Connect providers from the environment (copsite/sso.py), shown as
# "Continue with <name>" on the log-in and sign-up pages. Nothing connects to an existing
# account by email unless its provider is trusted for it (per provider).
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider plus a nonce, checked on the way back (accounts/sso.py).
        "provider_class": "accounts.sso.NonceOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": oidc_apps(env),
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("COPSITE_OIDC_TIMEOUT", default=5)

# Two-factor: an authenticator app (TOTP) with recovery codes. COPSITE_MFA_REQUIRED_FOR
# (coordinators, leaders, staff, or "all") makes those people set it up at their next
# sign-in (accounts/middleware.py); a sign-in through a provider that enforces its own
# second factor counts.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ADAPTER = "accounts.sso.MfaAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "accounts.forms.MfaReauthenticateForm",
    "activate_totp": "accounts.forms.MfaActivateTotpForm",
}
COPSITE_MFA_REQUIRED_FOR = mfa_required_for(env)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

LANGUAGE_CODE = "en-gb"
# The languages copsite speaks, each named in its own words (README "Languages": adding
# one is a catalog and a line here). A browser asking for en-US gets en-gb; fr-CA gets fr.
LANGUAGES = [("en-gb", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The footer's switcher keeps a visitor's choice for a year; no script reads it.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The timezone a new person starts with until they choose their own in /settings/.
COPSITE_DEFAULT_TIMEZONE = env.str("COPSITE_DEFAULT_TIMEZONE", default="Europe/London")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env.str("COPSITE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: an email service through django-anymail (COPSITE_EMAIL_ESP, its secrets in ANYMAIL_*
# variables: copsite/email_service.py), else EMAIL_URL (smtp://, smtp+tls://, consolemail://,
# filemail://…) or the SMTP variables; with none, the embedded default writes every message
# to a file under var/mail/. The service's tracking webhook (/anymail/<esp>/tracking/, with
# ANYMAIL_WEBHOOK_SECRET) fills the suppression list: accounts/bounces.py.
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
COPSITE_EMAIL_ESP, _esp_backend = esp_from(env.str("COPSITE_EMAIL_ESP", default=""))
ANYMAIL = anymail_settings(os.environ)
if _esp_backend:
    EMAIL_BACKEND = _esp_backend
elif env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="copsite <hello@copsite.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/broker/.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
else:
    CELERY_BROKER_URL = FILESYSTEM_BROKER_URL
    # A broken folder never stops a process from starting: it is said in one line, the web
    # keeps serving and the worker waits for it (copsite/broker.py, copsite/celery.py).
    BROKER_DIR = VAR_DIR / "broker"
    BROKER_FOLDER_PROBLEM = broker_folders_prepare(BROKER_DIR)
    if BROKER_FOLDER_PROBLEM:
        # Logging is not configured while settings load: the one line goes straight to stderr.
        print(BROKER_FOLDER_PROBLEM, file=sys.stderr)
    CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(BROKER_DIR)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang when the broker is down: the scans find the work later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "UTC"
# The worker's and beat's lines go through LOGGING above (copsite/celery.py), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "email-flush": {"task": "accounts.tasks.email_flush", "schedule": 120.0},
    "digest-send-due": {"task": "accounts.tasks.digest_send_due", "schedule": crontab(minute=0)},
    "move-suggestions": {
        "task": "communities.tasks.refresh_all_move_suggestions",
        "schedule": crontab(hour=5, minute=15),
    },
    "session-reminders": {"task": "sessions.tasks.session_reminders_scan", "schedule": 300.0},
    # Open-ended series are kept planned six months ahead.
    "series-extend": {
        "task": "sessions.tasks.series_extend_scan",
        "schedule": crontab(hour=4, minute=30),
    },
    "review-nudges": {"task": "reviews.tasks.review_nudges_scan", "schedule": crontab(minute=30)},
    # The dashboards' figures over closed months, for the day (and a new month) ahead.
    "impact-window-figures": {
        "task": "impact.tasks.store_window_figures",
        "schedule": crontab(hour=0, minute=20),
    },
    "review-cadence": {
        "task": "reviews.tasks.review_cadence_scan",
        "schedule": crontab(minute=40),
    },
    # Create forms' one-time tokens (accounts/submissions.py) are kept for a day.
    "submission-tokens-prune": {
        "task": "accounts.tasks.submission_tokens_prune",
        "schedule": crontab(hour=4, minute=45),
    },
    # What the privacy page promises is kept no longer (privacy/retention.py).
    "privacy-retention": {
        "task": "privacy.tasks.enforce_retention",
        "schedule": crontab(hour=3, minute=50),
    },
}

# Retention, in days (the privacy page states them): email delivery records, a finished
# export's zip, and a left member's memberships before their personal words are cleared.
COPSITE_RETAIN_EMAIL_DAYS = env.int("COPSITE_RETAIN_EMAIL_DAYS", default=180)
COPSITE_RETAIN_EXPORT_DAYS = env.int("COPSITE_RETAIN_EXPORT_DAYS", default=7)
COPSITE_RETAIN_LEFT_MEMBER_DAYS = env.int("COPSITE_RETAIN_LEFT_MEMBER_DAYS", default=365)

# Security headers. Scripts only from our own static files: no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Every line carries the request id or the Celery task id; DJANGO_LOG_FORMAT=json makes each
# line one JSON object (core/logs.py). The worker and beat log through this too
# (copsite/celery.py).
DJANGO_LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text")
if DJANGO_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be text or json.")
LOGGING = logging_config(DJANGO_LOG_FORMAT, env.str("DJANGO_LOG_LEVEL", default="INFO"))

# Errors go to Sentry when SENTRY_DSN is set, without personal data, and nowhere otherwise
# (copsite/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_init(SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))
