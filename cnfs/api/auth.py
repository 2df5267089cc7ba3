"""Who is calling the API, and may they call this endpoint. The API denies by default.

Two ways in:
- a logged-in user's session (browser, Swagger UI), with the CSRF token on unsafe methods and the second factor
  confirmed when the user's role requires one;
- a partner organisation's API key (`Authorization: Bearer <clé>` or `X-Api-Key: <clé>`), see `ApiKey`.

Every authenticated request gets `request.auth`, a `Caller` whose `scope` is a `cnfs.core.permissions.Scope`, so that
the same permission predicates serve sessions and keys. Endpoints declare who may call them:

    @router.get("/lieux", auth=role_auth(Role.PREFECTURE, Role.HUB))   # these roles (and the national team)
    @router.get("/moi")                                                  # default: any authenticated caller
    @router.get("/health", auth=None)                                    # public
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from cnfs.api.keys import hash_key, hash_matches, parse_prefix
from cnfs.api.models import ApiKey
from cnfs.core.enums import Role
from cnfs.core.middleware import SECOND_FACTOR_API_MESSAGE, second_factor_state
from cnfs.core.permissions import Scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How stale `last_used_at` may get: one write per key per interval, not one per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)

MSG_AUTH_REQUIRED = "Authentification requise : connectez-vous ou fournissez une clé d'API."
MSG_KEY_INVALID = "Clé d'API invalide."
MSG_KEY_REVOKED = "Cette clé d'API a été révoquée."
MSG_KEY_EXPIRED = "Cette clé d'API a expiré."
MSG_CSRF = "Jeton CSRF manquant ou invalide : rechargez la page puis réessayez."
MSG_ROLE = "Votre rôle ne permet pas d'accéder à cette ressource."
MSG_READ_ONLY = "Cette clé d'API ne permet que la lecture."
# Compared against when the prefix is unknown, so that both failures cost the same.
_DUMMY_HASH = hash_key("cnfs_00000000_" + "0" * 43)


class ApiAuthenticationError(AuthenticationError):
    """401 with a French message."""

    def __init__(self, message: str = MSG_AUTH_REQUIRED) -> None:
        super().__init__(status_code=401, message=message)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of an API endpoint: a user (session) or a partner organisation (API key)."""

    scope: Scope
    user: object | None = None
    api_key: ApiKey | None = None

    @classmethod
    def for_user(cls, user) -> Caller:
        return cls(scope=Scope.for_user(user), user=user)

    @classmethod
    def for_key(cls, key: ApiKey) -> Caller:
        codes = frozenset(d.code for d in key.departements.all())
        scope = Scope(roles=frozenset(key.scopes), national=not codes, departements=codes)
        return cls(scope=scope, api_key=key)

    @property
    def kind(self) -> str:
        return "api_key" if self.api_key is not None else "session"

    @property
    def roles(self) -> frozenset[str]:
        return self.scope.roles

    @property
    def is_national(self) -> bool:
        """The national programme team (role `anct`, national scope) may call every endpoint."""
        return Role.ANCT in self.scope.roles and self.scope.national

    def has_role(self, *roles: str) -> bool:
        """True when the caller holds one of `roles`, or is the national team."""
        return self.is_national or bool(self.scope.roles.intersection(roles))

    def covers_departement(self, code: str | None) -> bool:
        return self.scope.covers_departement(code)

    def __str__(self) -> str:
        if self.api_key is not None:
            return f"clé {self.api_key.prefix} ({self.api_key.organisation})"
        return str(self.user)


def authenticate_key(raw_key: str | None) -> ApiKey:
    """The active key matching `raw_key`, or a 401 with the reason. Marks the key as used."""
    raw_key = (raw_key or "").strip()
    prefix = parse_prefix(raw_key)
    key = ApiKey.objects.filter(prefix=prefix).first() if prefix else None
    matches = hash_matches(raw_key, key.key_hash if key else _DUMMY_HASH)
    if key is None or not matches:
        raise ApiAuthenticationError(MSG_KEY_INVALID)
    # The holder proved they have the key: telling them why it no longer works leaks nothing.
    if key.revoked_at is not None:
        raise ApiAuthenticationError(MSG_KEY_REVOKED)
    now = timezone.now()
    if key.is_expired(now):
        raise ApiAuthenticationError(MSG_KEY_EXPIRED)
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


class _RoleCheck:
    """Admits an identified caller when it holds one of `roles` (none: any caller) and, for keys, may write."""

    def __init__(self, roles: tuple[str, ...] = ()) -> None:
        unknown = [r for r in roles if r not in Role.values]
        if unknown:
            raise ValueError(f"Unknown role(s) in API auth: {unknown}")
        self.roles = tuple(roles)
        super().__init__()

    def admit(self, request: HttpRequest, caller: Caller) -> Caller:
        if self.roles and not caller.has_role(*self.roles):
            raise PermissionDenied(MSG_ROLE)
        if caller.api_key is not None and caller.api_key.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied(MSG_READ_ONLY)
        return caller


class CleApiBearer(_RoleCheck, HttpBearer):
    """Partner API key in `Authorization: Bearer <clé>`."""

    openapi_description = "Clé d'API d'une organisation partenaire : en-tête `Authorization: Bearer <clé>`."

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        return self.admit(request, Caller.for_key(authenticate_key(token)))


class CleApiEntete(_RoleCheck, APIKeyHeader):
    """Partner API key in `X-Api-Key: <clé>`."""

    param_name = "X-Api-Key"
    openapi_description = "Clé d'API d'une organisation partenaire : en-tête `X-Api-Key: <clé>`."

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if key is None:
            return None
        return self.admit(request, Caller.for_key(authenticate_key(key)))


class SessionCnfs(_RoleCheck, APIKeyCookie):
    """The session of a user logged in to the platform; unsafe methods need the CSRF token (`X-CSRFToken`)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "Session d'un compte connecté à la plateforme (jeton CSRF exigé pour les écritures)."

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # anonymous: 401 unless another method admits the call
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller:
        user = request.user
        if (
            request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise PermissionDenied(MSG_CSRF)
        # SecondFactorRequiredMiddleware already refuses these sessions; kept here so the API never depends on it.
        if second_factor_state(user) not in ("ok", "verified"):
            raise PermissionDenied(SECOND_FACTOR_API_MESSAGE)
        return self.admit(request, Caller.for_user(user))


def role_auth(*roles: str, api_keys: bool = True, sessions: bool = True) -> list:
    """The `auth=` of an endpoint open to `roles` (and to the national team); no role: any authenticated caller.

    Refuses anonymous calls (401), callers without the role (403), read-only keys on writes (403).
    """
    auths: list = []
    if api_keys:
        auths += [CleApiBearer(roles), CleApiEntete(roles)]
    if sessions:
        auths.append(SessionCnfs(roles))
    if not auths:
        raise ValueError("role_auth needs api_keys or sessions")
    return auths


# The API's default: any authenticated caller (session or key), whatever its role.
authenticated = role_auth()


def caller_of(request: HttpRequest) -> Caller:
    """The request's `Caller`; 401 when the endpoint let an anonymous request through."""
    caller = getattr(request, "auth", None)
    if not isinstance(caller, Caller):
        raise ApiAuthenticationError()
    return caller


def require_roles(request: HttpRequest, *roles: str) -> Caller:
    """Inside an endpoint: 403 unless the caller holds one of `roles` (or is the national team)."""
    caller = caller_of(request)
    if not caller.has_role(*roles):
        raise PermissionDenied(MSG_ROLE)
    return caller


def require_departement(request: HttpRequest, code: str | None) -> Caller:
    """Inside an endpoint: 403 unless the caller's scope covers département `code`."""
    caller = caller_of(request)
    if not caller.covers_departement(code):
        raise PermissionDenied("Ce département n'entre pas dans votre périmètre.")
    return caller
