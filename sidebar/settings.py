"""Sidebar's one settings module. Every value comes from the environment (see README.md).

SIDEBAR_MODE chooses the set-up: ``production`` (the default: every secret required, DEBUG off,
MFA enforced), ``demo`` (``make demo``: DEBUG on, demo keys, MFA not enforced and a banner says so)
or ``test`` (``make test``: test keys, MFA enforced).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from sidebar.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_optional,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

SIDEBAR_MODE = env_choice("SIDEBAR_MODE", ("production", "demo", "test"), "production")
DEMO_MODE = SIDEBAR_MODE == "demo"
TESTING = SIDEBAR_MODE == "test"
PRODUCTION = SIDEBAR_MODE == "production"

DEBUG = DEMO_MODE and env_bool("SIDEBAR_DEBUG", True)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
else:
    SECRET_KEY = env_str("SECRET_KEY", f"{SIDEBAR_MODE}-only-secret-key-never-use-in-production-0123456789abcdef")


def _master_keys(raw: str) -> dict[str, bytes]:
    """SIDEBAR_MASTER_KEY is ``id:base64key[,id:base64key…]``; the first key wraps new data keys,
    the others are still accepted for unwrapping until ``manage.py vault rotate`` has run."""
    keys: dict[str, bytes] = {}
    for item in raw.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not key_id or key_id in keys:
            raise ImproperlyConfigured("SIDEBAR_MASTER_KEY must be a list of id:base64key with distinct ids.")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"SIDEBAR_MASTER_KEY {key_id!r} is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"SIDEBAR_MASTER_KEY {key_id!r} must decode to 32 bytes (got {len(key)}).")
        keys[key_id] = key
    return keys


# Demo and test keys are public, which is why production refuses to start without its own.
_NON_PRODUCTION_MASTER_KEY = "dev1:" + base64.urlsafe_b64encode(b"sidebar-demo-and-test-master-key").decode()
SIDEBAR_MASTER_KEYS = _master_keys(
    env_str("SIDEBAR_MASTER_KEY") if PRODUCTION else env_str("SIDEBAR_MASTER_KEY", _NON_PRODUCTION_MASTER_KEY)
)

# The key store holds the epoch keys that wrap every data key (sidebar/vault/keystore.py). It is
# never the database, and never backed up: destroying an epoch key is what makes a shredded
# identity unrecoverable from the database's files, WAL, replicas and dumps. Every web and
# worker host must see the same store. An epoch lasts SIDEBAR_EPOCH_DAYS; its key is destroyed
# at its end (live keys move on first), so "due" becomes "unrecoverable" within that many days
# and one hourly run — at most 6, so that the promise of at most 7 days holds.
SIDEBAR_KEY_STORE = (
    env_str("SIDEBAR_KEY_STORE")
    if PRODUCTION
    else env_str("SIDEBAR_KEY_STORE", f"file://{BASE_DIR / 'var' / f'{SIDEBAR_MODE}-keys'}")
)
# --- task: database outage (issue 13 section 3) ---
# A writable directory of the service's own (production: /var/lib/sidebar). It holds only the
# agency's crisis line and EAP number, so the page shown while the database is unreachable can
# show them in a process started during the outage (sidebar/lib/last_known.py).
SIDEBAR_STATE_DIR = env_str("SIDEBAR_STATE_DIR", str(BASE_DIR / "var"))
# --- end task ---
SIDEBAR_EPOCH_DAYS = env_int("SIDEBAR_EPOCH_DAYS", 6, minimum=1)
if SIDEBAR_EPOCH_DAYS > 6:
    raise ImproperlyConfigured(f"SIDEBAR_EPOCH_DAYS must be at most 6 (got {SIDEBAR_EPOCH_DAYS}).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "sidebar.accounts",
    "sidebar.org",
    "sidebar.audit",
    "sidebar.vault",
    "sidebar.team",
    "sidebar.recruitment",
    "sidebar.training",
    "sidebar.support",
    "sidebar.safeguards",
    "sidebar.reports",
    "sidebar.incidents",
    # --- task: outbox (issue 13 section 1) ---
    # before django_tasks_db: its db_worker command is the one manage.py finds
    "sidebar.outbox",
    # --- end task ---
    # --- task: sign-in rush (issue 13 section 2) ---
    "sidebar.throttle",
    # --- end task ---
    "sidebar.core.apps.SidebarAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on (OpenID Connect): installed always, offered only when SSO_OIDC_* is set.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Last, so that its admin.py runs after every other app registered its admin screens.
    "sidebar.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # --- task: issue 17 accounts (V16.3.1-3): every 403 and 429 is audited ---
    "sidebar.audit.security_events.RefusalAuditMiddleware",
    # --- end task ---
    "django.contrib.messages.middleware.MessageMiddleware",
    "sidebar.accounts.middleware.SessionTimeoutMiddleware",
    "sidebar.core.middleware.AgencyTimezoneMiddleware",
    # Policy decides first (a URL without a rule is a 404 for everyone); Django's
    # LoginRequiredMiddleware stays behind it as a second lock on every non-public view.
    "sidebar.core.middleware.PolicyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sidebar.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "sidebar.urls"
WSGI_APPLICATION = "sidebar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sidebar" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sidebar.core.context_processors.sidebar",
            ],
        },
    },
]

DATABASES = {"default": parse_database_url(env_str("DATABASE_URL", "sqlite:///var/sidebar.sqlite3"), base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state lives in the database so several gunicorn workers (or hosts) agree on rate limits.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sidebar_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # --- task: issue 17 accounts (V6.2.4, V6.2.11, V6.2.12) ---
    {"NAME": "sidebar.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "sidebar.accounts.passwords.ContextWordsValidator"},
    # --- end task ---
]
# --- task: issue 17 accounts (V6.2.12) ---
# Also ask the Pwned Passwords range API (only a 5-character hash prefix leaves): off by default,
# for deployments that allow outbound calls; the bundled list works offline either way.
SIDEBAR_PWNED_PASSWORDS_API = env_bool("SIDEBAR_PWNED_PASSWORDS_API", False)
SIDEBAR_PWNED_PASSWORDS_URL = env_str("SIDEBAR_PWNED_PASSWORDS_URL", "https://api.pwnedpasswords.com/range/")
# --- end task ---

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# allauth: e-mail login, no self sign-up (accounts come from the roster), no user enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_ADAPTER = "sidebar.accounts.adapter.SidebarAccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# --- task: sign-in rush (issue 13 section 2) ---
# Sign-in attempts are counted by sidebar/accounts/sign_in_limits.py (per account, per account at
# an address, and a per-address ceiling far above an office's 8 a.m. rush; docs/deploy.md), in
# the database atomically. allauth's own per-address "login" limit (30 a minute) turned most of a
# 400-person office away, so it is off; its "login_failed" now counts only two-factor codes.
SIDEBAR_SIGN_IN_PER_ADDRESS = env_int("SIDEBAR_SIGN_IN_PER_ADDRESS", 1200, minimum=100)
ACCOUNT_RATE_LIMITS = {
    "login": "",
    "login_failed": "5/5m/key",
    # --- end task ---
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# --- task: issue 17 passkeys (V6.3.3) ---
# Passkeys (WebAuthn, through allauth.mfa and the fido2 package it already pulls in): staff are
# offered one at sign-in as an optional step; with one, "Sign in with a passkey" is the device's
# screen lock, a phishing-resistant factor in one gesture (docs/security.md says why it is
# offered, not required). Privileged roles still need their authenticator app.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False  # no sign-up at all
MFA_WEBAUTHN_USER_VERIFICATION = "required"  # the screen lock is asked: a passkey alone is two factors
# Browsers allow WebAuthn on http only for localhost (demo, tests); allauth must then accept it.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not env_bool("SIDEBAR_HTTPS", PRODUCTION)
INSTALLED_APPS += ["django.contrib.humanize"]  # allauth's list of passkeys loads it
# --- end task ---
MFA_ADAPTER = "sidebar.accounts.adapter.SidebarMFAAdapter"
MFA_TOTP_ISSUER = "Sidebar"
MFA_TOTP_TOLERANCE = 1
# --- task: issue 17 accounts (V6.5.1/V6.5.5) ---
# A TOTP code is accepted once: each authenticator remembers its last accepted time step.
MFA_FORMS = {
    "authenticate": "sidebar.accounts.mfa_forms.SidebarAuthenticateForm",
    "reauthenticate": "sidebar.accounts.mfa_forms.SidebarReauthenticateForm",
}
# --- end task ---
# allauth refuses two-factor set-up while the account's address is unverified, so that someone
# who signs up with another person's address cannot lock its owner out. Sidebar has no sign-up:
# accounts come from the roster and their address never changes. And the invitation link (a
# password reset) both proves the mailbox and makes allauth record the address as unverified,
# which left every invited team leader and peer unable to set up the second factor they must use.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Single sign-on over OpenID Connect (docs/sso.md): Entra ID, Okta, Google Workspace. Off unless
# the server URL, client id and secret are all set. Accounts are matched by the roster's work
# e-mail (sidebar/accounts/sso.py); nobody off the roster gets an account.
SSO_OIDC_SERVER_URL = env_optional("SSO_OIDC_SERVER_URL")
SSO_OIDC_CLIENT_ID = env_optional("SSO_OIDC_CLIENT_ID")
SSO_OIDC_CLIENT_SECRET = env_optional("SSO_OIDC_CLIENT_SECRET")
SSO_OIDC_NAME = env_str("SSO_OIDC_NAME", "your agency account")
# The provider's word for "a second factor was used": any of these in the ID token's amr, or its
# acr in the list, spares a privileged role Sidebar's own TOTP step (RFC 8176 method names).
SSO_OIDC_MFA_AMR_VALUES = env_list("SSO_OIDC_MFA_AMR_VALUES", ["mfa", "mca", "otp", "hwk", "sc"])
SSO_OIDC_MFA_ACR_VALUES = env_list("SSO_OIDC_MFA_ACR_VALUES", [])
SSO_ENABLED = bool(SSO_OIDC_SERVER_URL and SSO_OIDC_CLIENT_ID and SSO_OIDC_CLIENT_SECRET)
if (SSO_OIDC_SERVER_URL or SSO_OIDC_CLIENT_ID or SSO_OIDC_CLIENT_SECRET) and not SSO_ENABLED:
    raise ImproperlyConfigured(
        "Single sign-on needs SSO_OIDC_SERVER_URL, SSO_OIDC_CLIENT_ID and SSO_OIDC_CLIENT_SECRET."
    )
# Tokens travel over this address: https, unless the provider runs on this very machine (a
# loopback address never leaves the host, which is how the day-one test runs production mode).
_SSO_LOOPBACK = ("http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/")
if SSO_ENABLED and PRODUCTION and not str(SSO_OIDC_SERVER_URL).startswith(("https://", *_SSO_LOOPBACK)):
    raise ImproperlyConfigured("SSO_OIDC_SERVER_URL must start with https:// (tokens travel over it).")
SSO_PROVIDER_ID = "agency"  # in the redirect URI: /accounts/oidc/agency/login/callback/


def sso_oidc_apps(
    server_url: str | None, client_id: str | None, secret: str | None, name: str
) -> list[dict[str, object]]:
    """allauth's openid_connect app from settings (no SocialApp row in the database)."""
    if not (server_url and client_id and secret):
        return []
    return [
        {
            "provider_id": SSO_PROVIDER_ID,
            "name": name,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": server_url.rstrip("/"), "fetch_userinfo": True},
        }
    ]


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": sso_oidc_apps(SSO_OIDC_SERVER_URL, SSO_OIDC_CLIENT_ID, SSO_OIDC_CLIENT_SECRET, SSO_OIDC_NAME),
        "OAUTH_PKCE_ENABLED": True,
    }
}
SOCIALACCOUNT_ADAPTER = "sidebar.accounts.sso.SidebarSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False  # a roster person's account is made in sso.py, never from a form
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching is sso.py's, by the roster
SOCIALACCOUNT_STORE_TOKENS = False  # Sidebar calls nothing on the provider after sign-in
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in takes a POST (the button), not a link
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"

# Sessions: absolute limit of 12 hours; idle limits are enforced by SessionTimeoutMiddleware.
# --- task: issue 12 section 5 (sign-in times) ---
# Database sessions whose rows say neither who nor when (sidebar/accounts/sessions.py).
SESSION_ENGINE = "sidebar.accounts.sessions"
# --- end task ---
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# --- task: issue 17 accounts (V14.3.3) ---
# Messages wait in the session on the server, never in a cookie a shared computer keeps.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# --- end task ---
SIDEBAR_IDLE_TIMEOUT_PRIVILEGED = env_int("SIDEBAR_IDLE_TIMEOUT_PRIVILEGED", 30 * 60, minimum=60)
SIDEBAR_IDLE_TIMEOUT_STAFF = env_int("SIDEBAR_IDLE_TIMEOUT_STAFF", 4 * 60 * 60, minimum=60)

SECURE_HTTPS = env_bool("SIDEBAR_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_HTTPS
# --- task: issue 17 transport (V3.3.1, V3.3.3) ---
# Over https the cookies carry the __Host- prefix: browsers take such a cookie only from https,
# with Path=/ and no Domain, so a neighbouring subdomain or a plain-http page cannot plant a
# session or CSRF cookie. Over http (demo, test, a closed test) a browser would refuse them.
SESSION_COOKIE_NAME = "__Host-sidebar_session" if SECURE_HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-sidebar_csrf" if SECURE_HTTPS else "csrftoken"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
# --- end task ---
# Redirect URIs sent to the provider say https behind TLS (and only tests run it over http).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SECURE_HTTPS else "http"
CSRF_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SIDEBAR_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SIDEBAR_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload flag only signals consent; nothing is submitted, and the list takes apex domains only.
SECURE_HSTS_PRELOAD = env_bool("SIDEBAR_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
BEHIND_PROXY = env_bool("SIDEBAR_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many proxies append to X-Forwarded-For in front of Sidebar: the client's address for rate
# limits and the audit log is taken that many entries from the right (never from the left,
# which a client can forge).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("SIDEBAR_TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0, minimum=0)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def sso_form_action(server_url: str | None) -> list[str]:
    if not server_url:
        return []
    parts = urlsplit(server_url)
    return [f"{parts.scheme}://{parts.netloc}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The SSO button's POST is redirected to the provider: browsers check that hop too.
        "form-action": [SELF, *sso_form_action(SSO_OIDC_SERVER_URL if SSO_ENABLED else None)],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if DEMO_MODE and not env_optional("EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# --- task: issue 17 transport (V12.3.1) ---
# In production mail leaves over TLS unless told otherwise: STARTTLS by default, or TLS from the
# first byte with EMAIL_USE_SSL (port 465). Django checks the server's certificate and name. A
# relay on this very machine (the default, localhost) is spoken to in plain SMTP: nothing leaves it.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
_EMAIL_HOST_IS_LOCAL = EMAIL_HOST in ("localhost", "127.0.0.1", "::1")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", PRODUCTION and not EMAIL_USE_SSL and not _EMAIL_HOST_IS_LOCAL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS and EMAIL_USE_SSL (STARTTLS on 587, or TLS on 465).")
# --- end task ---
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sidebar <sidebar@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Sidebar] "
# Links in e-mails point here (e-mails say only that something waits, never who or why).
SIDEBAR_BASE_URL = env_str("SIDEBAR_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Signed checkpoints of the audit log are e-mailed to the clinical advisors and to these addresses
# (the agency's counsel, say): comma-separated, optional (docs/deploy.md, "Audit checkpoints").
SIDEBAR_AUDIT_CHECKPOINT_EMAILS = env_list("SIDEBAR_AUDIT_CHECKPOINT_EMAILS", [])

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "sidebar" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Logs carry ids and events, never names or reasons (see THREATS.md). Requests are not logged
# with their query strings at INFO, and errors go to stderr for the service manager.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        # audit checkpoints reach the system log whatever LOG_LEVEL says (sidebar/audit/services.py)
        "sidebar.audit.checkpoint": {"level": "INFO"},
    },
}
