"""Settings of cnfs, driven by environment variables with safe development defaults.

Production needs only DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; everything else has a default.
"""

import importlib.util
import os
import secrets
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CNFS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules or os.environ.get("CNFS_TESTING") == "1"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini lorsque DEBUG est désactivé.")
    # Development: generated once, kept in var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS doit être défini lorsque DEBUG est désactivé.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cnfs.core.admin_config.CnfsAdminConfig",  # django.contrib.admin with a site that requires 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "csp",
    "ninja",  # Swagger UI static files for /api/v1/docs, served locally
    "cnfs.core",
    "cnfs.territoires",
    "cnfs.lieux",
    "cnfs.recrutement",
    "cnfs.formation",
    "cnfs.financement",  # after formation: demo steps run in this order, and formation's demo adds host structures
    "cnfs.activite",
    "cnfs.pilotage",
    "cnfs.aidants",
    "cnfs.passnum",
    "cnfs.api",
]
INSTALLED_APPS += ["oauth2_provider"]  # ac-idp: Aidants Connect as an OpenID Connect provider (see OAUTH2_PROVIDER)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after security, so that every response (redirects and error pages included) carries the policy.
    "csp.middleware.CSPMiddleware",
    "cnfs.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cnfs.core.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cnfs.urls"
WSGI_APPLICATION = "cnfs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cnfs" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cnfs.core.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cnfs.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets readers work while a writer writes; IMMEDIATE avoids "database is locked" upgrades.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The mandates' covering indexes (aidants.Mandat, `include=`) are index-only scans on PostgreSQL; SQLite builds the
# same indexes without their non-key columns, which is all it can do: its warning said so at every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]


# --- Cache ----------------------------------------------------------------------------------------------------
def _cache_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parsed.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if parsed.scheme in {"locmem", ""}:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parsed.netloc or "cnfs"}
    raise ImproperlyConfigured(f"CACHE_URL non reconnue : {url!r} (attendu : locmem://, redis://…).")


CACHES = {"default": _cache_from_url(os.environ.get("CACHE_URL", "locmem://cnfs"))}


# --- E-mail ---------------------------------------------------------------------------------------------------
def _email_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme in {"smtp", "smtps", "submission"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
            "EMAIL_HOST_USER": parsed.username or "",
            "EMAIL_HOST_PASSWORD": parsed.password or "",
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
            "EMAIL_USE_TLS": parsed.scheme != "smtps" and query.get("tls", ["1"])[0] != "0",
        }
    raise ImproperlyConfigured(f"EMAIL_URL non reconnue : {url!r} (attendu : console://, smtp://…).")


globals().update(_email_from_url(os.environ.get("EMAIL_URL", "console://")))
# Production sends e-mails through the task queue (`cnfs worker`); development sends them at once.
EMAIL_ASYNC = env_bool("EMAIL_ASYNC", not DEBUG)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cnfs <ne-pas-repondre@cnfs.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Tasks (django-tasks) -------------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Auth -----------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:mon_espace"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling: failures allowed per account and per IP address within the window.
LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "20"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

# API rate limits per minute (cnfs/api/throttling.py): per logged-in account and per anonymous IP address.
API_USER_REQUESTS_PER_MINUTE = int(os.environ.get("API_USER_REQUESTS_PER_MINUTE", "600"))
API_ANON_REQUESTS_PER_MINUTE = int(os.environ.get("API_ANON_REQUESTS_PER_MINUTE", "300"))

# Second factor (django-otp). Failed codes wait 1, 2, 4, 8… seconds × the factor before the next try.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "cnfs")
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_TOTP_THROTTLE_FACTOR", "1"))
OTP_STATIC_THROTTLE_FACTOR = int(os.environ.get("OTP_STATIC_THROTTLE_FACTOR", "1"))
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Password reset links are valid one hour; requests are limited per address and per IP (the page says nothing).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))
PASSWORD_RESET_MAX_PER_ACCOUNT = int(os.environ.get("PASSWORD_RESET_MAX_PER_ACCOUNT", "3"))
PASSWORD_RESET_MAX_PER_IP = int(os.environ.get("PASSWORD_RESET_MAX_PER_IP", "20"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))

# Number of reverse proxies in front of the application whose X-Forwarded-For entries are trusted (0: none).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- I18N -----------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Leaflet's files come from the pinned django-leaflet package, served as /static/leaflet/. The app itself is not
# installed: its admin module needs GeoDjango (GDAL), which the platform does not use.
STATICFILES_DIRS = [("leaflet", Path(importlib.util.find_spec("leaflet").origin).parent / "static" / "leaflet")]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private files (CV, attestations) never live under MEDIA_ROOT: they are served by permission-checked views.
PRIVATE_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Look each static file up when it is asked for, instead of indexing all of them (≈1,800 files, their headers and
# dates) when the middleware starts: the test client starts the middleware again for every test, and that index
# was most of a page test's time. Production (DEBUG off) indexes STATIC_ROOT once at start-up, as before.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "cnfs.core.views.errors.csrf_failure"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless secure, host-only and for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Map tiles come from a configurable server; everything else is served by the platform itself.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
_tiles_origin = "{0.scheme}://{0.netloc}".format(urlparse(MAP_TILES_URL)) if MAP_TILES_URL else None

# NONCE is django-csp's sentinel (not the string "'nonce'"): it becomes 'nonce-<random>' in each response whose
# template used `request.csp_nonce` (DSFR scripts through `{% dsfr_js nonce=request.csp_nonce %}`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"] + ([_tiles_origin] if _tiles_origin else []),
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- DSFR -----------------------------------------------------------------------------------------------------
DSFR_MARK_OPTIONAL_FIELDS = True
# django-dsfr warns about this transitional setting on every form render; we chose the future behaviour.
warnings.filterwarnings("ignore", message="Transitional Django setting DSFR_MARK_OPTIONAL_FIELDS")
SITE_NAME = "cnfs"
SITE_TAGLINE = "Conseillers numériques France Services — inclusion numérique"

# --- Domain parameters ----------------------------------------------------------------------------------------
# Travel-time estimate used by coverage pages: straight-line distance × detour factor ÷ speed.
COVERAGE_DETOUR_FACTOR = float(os.environ.get("COVERAGE_DETOUR_FACTOR", "1.3"))
COVERAGE_SPEED_KMH = float(os.environ.get("COVERAGE_SPEED_KMH", "60"))


# --- Aidants Connect: OpenID Connect provider for online services (django-oauth-toolkit) ---------------------
# Signing key of the id_tokens (RS256, its `kid` published in the JWKS): AIDANTS_OIDC_RSA_PRIVATE_KEY (PEM text)
# or AIDANTS_OIDC_RSA_PRIVATE_KEY_FILE (a path). In development a key is generated once into var/ (never committed).
def _aidants_oidc_key() -> str:
    key = os.environ.get("AIDANTS_OIDC_RSA_PRIVATE_KEY")
    if key:
        return key
    path = os.environ.get("AIDANTS_OIDC_RSA_PRIVATE_KEY_FILE")
    if path:
        return Path(path).read_text()
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "AIDANTS_OIDC_RSA_PRIVATE_KEY ou AIDANTS_OIDC_RSA_PRIVATE_KEY_FILE doit être défini lorsque DEBUG est "
            "désactivé."
        )
    dev_path = VAR_DIR / "aidants_oidc_rsa.pem"
    if not dev_path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        dev_path.write_bytes(pem)
        dev_path.chmod(0o600)
    return dev_path.read_text()


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _aidants_oidc_key(),
    "OAUTH2_VALIDATOR_CLASS": "cnfs.aidants.idp.validator.AidantsConnectValidator",
    "SCOPES_BACKEND_CLASS": "cnfs.aidants.idp.scopes.DemarcheScopes",
    # Codes are single use (the validator claims each one atomically) and short-lived.
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": int(os.environ.get("AIDANTS_OIDC_CODE_SECONDS", "60")),
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("AIDANTS_OIDC_ACCESS_TOKEN_SECONDS", "300")),
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("AIDANTS_OIDC_ID_TOKEN_SECONDS", "300")),
    # PKCE (S256 only) required from every client, and the other OAuth 2.0 Security BCP (RFC 9700) behaviours:
    # no implicit or password grant, tokens stored hashed, never in a query string, `iss` in the response.
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG or TESTING else ["https"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "REQUEST_APPROVAL_PROMPT": "force",
}
# The toolkit's own models (named so that aidants.UtilisationMandat can point at them from its migration).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
# Key of the pairwise `sub` given to each online service (default: derived from SECRET_KEY). Keep it stable.
AIDANTS_OIDC_SUB_SECRET = os.environ.get("AIDANTS_OIDC_SUB_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    # Django's default config gives the `django` logger a console handler of its own: with the root one, every
    # line printed twice. It propagates to root instead.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# --- Aidants Connect: FranceConnect (the usager's identity at mandate creation) -------------------------------
# Empty issuer: FranceConnect is not configured and the aidant types the identity (demo fallback, clearly labelled).
FRANCECONNECT_ISSUER = os.environ.get("FRANCECONNECT_ISSUER", "")
FRANCECONNECT_CLIENT_ID = os.environ.get("FRANCECONNECT_CLIENT_ID", "")
FRANCECONNECT_CLIENT_SECRET = os.environ.get("FRANCECONNECT_CLIENT_SECRET", "")
FRANCECONNECT_SCOPES = os.environ.get(
    "FRANCECONNECT_SCOPES", "openid given_name family_name birthdate gender birthplace birthcountry"
)
FRANCECONNECT_ACR = os.environ.get("FRANCECONNECT_ACR", "eidas1")
FRANCECONNECT_HTTP_TIMEOUT = float(os.environ.get("FRANCECONNECT_HTTP_TIMEOUT", "10"))
FRANCECONNECT_CLOCK_LEEWAY = int(os.environ.get("FRANCECONNECT_CLOCK_LEEWAY", "60"))
# Lifetime of a state/nonce (seconds) and of a verified identity waiting for the aidant's confirmation.
FRANCECONNECT_STATE_TTL = int(os.environ.get("FRANCECONNECT_STATE_TTL", "600"))
FRANCECONNECT_IDENTITY_TTL = int(os.environ.get("FRANCECONNECT_IDENTITY_TTL", "900"))

# --- Links in e-mails and documents made outside a request (cron, workers) -------------------------------------
# The platform's public address, e.g. https://cnfs.exemple.fr; `cnfs check --deploy` warns when it is missing.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000" if DEBUG or TESTING else "").rstrip("/")

# --- Pass numérique: the Agency's debtor account written in the SEPA payment files (pain.001) ----------------
# Development and tests use a demonstration account; in production the three must be set, or no batch is prepared.
_DEMO_DEBTOR = DEBUG or TESTING
PASSNUM_DEBITEUR_NOM = os.environ.get(
    "PASSNUM_DEBITEUR_NOM", "Agence nationale de la cohesion des territoires" if _DEMO_DEBTOR else ""
)
PASSNUM_DEBITEUR_IBAN = os.environ.get("PASSNUM_DEBITEUR_IBAN", "FR7630001007941234567890185" if _DEMO_DEBTOR else "")
PASSNUM_DEBITEUR_BIC = os.environ.get("PASSNUM_DEBITEUR_BIC", "BDFEFRPPXXX" if _DEMO_DEBTOR else "")
