"""FranceConnect client: the usager proves who they are at mandate creation (OpenID Connect authorization code).

The protocol only, no database: discovery, the authorization URL (`state`, `nonce`, `acr_values=eidas1`,
FranceConnect's scopes), the token exchange (client_secret_post), the id_token checked against the provider's JWKS
(ES256 or RS256, `kid` required; iss, aud, exp, iat, nonce, acr), the userinfo returned as a signed JWT (FranceConnect
v2) checked the same way, and the logout URL (end_session). JOSE is done by `joserfc`, HTTP by `requests`.

Settings (from the environment, see cnfs/settings.py): FRANCECONNECT_ISSUER (empty: FranceConnect is not
configured), FRANCECONNECT_CLIENT_ID, FRANCECONNECT_CLIENT_SECRET, FRANCECONNECT_SCOPES, FRANCECONNECT_ACR,
FRANCECONNECT_HTTP_TIMEOUT, FRANCECONNECT_CLOCK_LEEWAY.

Every refusal is a `FranceConnectError` carrying a French message and a short code (journaled, no personal data).
The JWKS is fetched for each identity (one per mandate): a rotated key is picked up at once, and a key removed from
the JWKS is refused at once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGORITHMS = ("ES256", "RS256")
DEFAULT_SCOPES = "openid given_name family_name birthdate gender birthplace birthcountry"
# FranceConnect requires a nonce of at least 22 characters: 32 random bytes give 43.
NONCE_BYTES = 32

UNAVAILABLE = "FranceConnect est indisponible pour le moment. Réessayez dans quelques minutes."
REFUSED = "L’identité transmise par FranceConnect n’a pas pu être vérifiée : aucun mandat n’a été créé. Recommencez."


class FranceConnectError(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization: str
    token: str
    userinfo: str
    jwks: str
    end_session: str


@dataclass(frozen=True)
class Identity:
    claims: dict
    id_token: str


def is_configured() -> bool:
    return bool(getattr(settings, "FRANCECONNECT_ISSUER", ""))


def _timeout() -> float:
    return float(getattr(settings, "FRANCECONNECT_HTTP_TIMEOUT", 10))


def _issuer() -> str:
    return settings.FRANCECONNECT_ISSUER.rstrip("/")


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=_timeout())
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError):
        raise FranceConnectError(UNAVAILABLE, code="fournisseur_indisponible") from None


def endpoints() -> Endpoints:
    """The provider's endpoints from its discovery document, whose issuer must be the configured one."""
    document = _get_json(f"{_issuer()}/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != _issuer():
        raise FranceConnectError(UNAVAILABLE, code="decouverte_emetteur")
    try:
        return Endpoints(
            issuer=document["issuer"],
            authorization=document["authorization_endpoint"],
            token=document["token_endpoint"],
            userinfo=document["userinfo_endpoint"],
            jwks=document["jwks_uri"],
            end_session=document.get("end_session_endpoint", ""),
        )
    except KeyError:
        raise FranceConnectError(UNAVAILABLE, code="decouverte_incomplete") from None


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def authorization_url(where: Endpoints, *, state: str, nonce: str, redirect_uri: str) -> str:
    params = {
        "response_type": "code",
        "client_id": settings.FRANCECONNECT_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": getattr(settings, "FRANCECONNECT_SCOPES", "") or DEFAULT_SCOPES,
        "state": state,
        "nonce": nonce,
        "acr_values": settings.FRANCECONNECT_ACR,
        # A new sign-in each time: the previous usager's session at the provider must never be reused.
        "prompt": "login",
    }
    return f"{where.authorization}?{urlencode(params)}"


def logout_url(where: Endpoints, *, id_token: str, state: str, post_logout_redirect_uri: str) -> str:
    params = {"id_token_hint": id_token, "state": state, "post_logout_redirect_uri": post_logout_redirect_uri}
    return f"{where.end_session}?{urlencode(params)}"


def _key_set(where: Endpoints) -> KeySet:
    document = _get_json(where.jwks)
    try:
        return KeySet.import_key_set(document)
    except (JoseError, ValueError, TypeError, KeyError):
        raise FranceConnectError(UNAVAILABLE, code="jwks_invalide") from None


def verified_jwt(value: str, where: Endpoints, keys: KeySet, *, what: str) -> dict:
    """The claims of a JWT signed (ES256 or RS256) by a key of the provider's JWKS, named by its `kid`."""
    try:
        header = jws.extract_compact(value.encode()).protected
    except (JoseError, ValueError, UnicodeError):
        raise FranceConnectError(REFUSED, code=f"{what}_illisible") from None
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise FranceConnectError(REFUSED, code=f"{what}_algorithme")
    if not kid:
        raise FranceConnectError(REFUSED, code=f"{what}_sans_kid")
    try:
        key = keys.get_by_kid(kid)
    except (JoseError, ValueError, KeyError):
        raise FranceConnectError(REFUSED, code=f"{what}_cle_inconnue") from None
    try:
        token = jwt.decode(value, key, algorithms=[alg])
    except JoseError:
        raise FranceConnectError(REFUSED, code=f"{what}_signature") from None
    claims = dict(token.claims)
    if claims.get("iss") != where.issuer:
        raise FranceConnectError(REFUSED, code=f"{what}_emetteur")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if settings.FRANCECONNECT_CLIENT_ID not in audiences:
        raise FranceConnectError(REFUSED, code=f"{what}_audience")
    return claims


def _check_times(claims: dict) -> None:
    leeway = int(getattr(settings, "FRANCECONNECT_CLOCK_LEEWAY", 60))
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp + leeway < now:
        raise FranceConnectError(REFUSED, code="id_token_expire")
    if not isinstance(iat, int | float) or iat - leeway > now:
        raise FranceConnectError(REFUSED, code="id_token_iat")


def _token_response(where: Endpoints, *, code: str, redirect_uri: str) -> dict:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": settings.FRANCECONNECT_CLIENT_ID,
        "client_secret": settings.FRANCECONNECT_CLIENT_SECRET,
    }
    try:
        response = requests.post(where.token, data=data, timeout=_timeout())
    except requests.RequestException:
        raise FranceConnectError(UNAVAILABLE, code="fournisseur_indisponible") from None
    if response.status_code == 400:
        # invalid_grant: a code already used, expired, or issued to someone else.
        raise FranceConnectError(REFUSED, code="code_refuse")
    try:
        response.raise_for_status()
        tokens = response.json()
    except (requests.RequestException, ValueError):
        raise FranceConnectError(UNAVAILABLE, code="jeton_indisponible") from None
    if not isinstance(tokens.get("id_token"), str) or not isinstance(tokens.get("access_token"), str):
        raise FranceConnectError(REFUSED, code="jeton_incomplet")
    return tokens


def _userinfo(where: Endpoints, keys: KeySet, access_token: str) -> dict:
    try:
        response = requests.get(
            where.userinfo, headers={"Authorization": f"Bearer {access_token}"}, timeout=_timeout()
        )
        response.raise_for_status()
    except requests.RequestException:
        raise FranceConnectError(UNAVAILABLE, code="userinfo_indisponible") from None
    if response.headers.get("content-type", "").split(";")[0].strip() != "application/jwt":
        # FranceConnect v2 signs the userinfo: plain JSON is not accepted.
        raise FranceConnectError(REFUSED, code="userinfo_non_signe")
    return verified_jwt(response.text.strip(), where, keys, what="userinfo")


def identity(*, code: str, redirect_uri: str, nonce: str) -> Identity:
    """Exchange the code, check the id_token and the signed userinfo: the usager's verified claims."""
    where = endpoints()
    tokens = _token_response(where, code=code, redirect_uri=redirect_uri)
    keys = _key_set(where)
    claims = verified_jwt(tokens["id_token"], where, keys, what="id_token")
    _check_times(claims)
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise FranceConnectError(REFUSED, code="nonce")
    if claims.get("acr") != settings.FRANCECONNECT_ACR:
        raise FranceConnectError(
            "Le niveau de garantie de l’identification FranceConnect n’est pas celui demandé : "
            "aucun mandat n’a été créé.",
            code="acr",
        )
    userinfo = _userinfo(where, keys, tokens["access_token"])
    if not claims.get("sub") or userinfo.get("sub") != claims.get("sub"):
        raise FranceConnectError(REFUSED, code="userinfo_sub")
    return Identity(claims=userinfo, id_token=tokens["id_token"])
