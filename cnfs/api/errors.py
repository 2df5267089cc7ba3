"""Every API error is JSON with a French message: `{"detail": "…"}`, plus `"errors"` for invalid data.

`install_error_handlers(api)` maps exceptions to the right 4xx; anything unexpected becomes a logged 500 in JSON,
never an HTML page.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from cnfs.core.errors import DomainError

logger = logging.getLogger("cnfs.api")

MSG_INVALID = "Données invalides."
MSG_NOT_FOUND = "Ressource introuvable."
MSG_ROUTE_NOT_FOUND = "Adresse inconnue dans l'API : consultez la documentation sur /api/v1/docs."
MSG_FORBIDDEN = "Accès refusé."
MSG_METHOD = "Méthode {method} non autorisée sur cette adresse (méthodes acceptées : {allowed})."
MSG_MALFORMED = "Le corps de la requête n'est pas un document JSON valide."
MSG_THROTTLED = "Trop de requêtes : réessayez dans {seconds} s."
MSG_SERVER = "Erreur interne du serveur. L'incident a été enregistré."

# Ninja's own English messages, as raised by ninja itself.
_NINJA_MESSAGES = {
    "Unauthorized": "Authentification requise : connectez-vous ou fournissez une clé d'API.",
    "Forbidden": MSG_FORBIDDEN,
    "CSRF check Failed": "Jeton CSRF manquant ou invalide : rechargez la page puis réessayez.",
    "Too many requests.": "Trop de requêtes : réessayez plus tard.",
}

# pydantic error type → French message; `{…}` placeholders come from the error's context.
_PYDANTIC_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "missing_argument": "Ce champ est obligatoire.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "json_invalid": "Document JSON invalide.",
    "json_type": "Document JSON attendu.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_unicode": "Une chaîne de caractères valide (Unicode) est attendue.",
    "string_too_short": "Au moins {min_length} caractère(s) attendu(s).",
    "string_too_long": "Au plus {max_length} caractère(s) accepté(s).",
    "string_pattern_mismatch": "Le format n'est pas valide.",
    "string_not_ascii": "Seuls les caractères ASCII sont acceptés.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_parsing_size": "Ce nombre est trop grand.",
    "int_from_float": "Un nombre entier est attendu (sans décimale).",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "decimal_type": "Un nombre décimal est attendu.",
    "decimal_parsing": "Un nombre décimal est attendu.",
    "decimal_max_digits": "Au plus {max_digits} chiffre(s) au total.",
    "decimal_max_places": "Au plus {decimal_places} chiffre(s) après la virgule.",
    "decimal_whole_digits": "Au plus {whole_digits} chiffre(s) avant la virgule.",
    "finite_number": "Un nombre fini est attendu.",
    "bool_type": "Un booléen (true ou false) est attendu.",
    "bool_parsing": "Un booléen (true ou false) est attendu.",
    "greater_than": "La valeur doit être strictement supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être strictement inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "multiple_of": "La valeur doit être un multiple de {multiple_of}.",
    "too_short": "Au moins {min_length} élément(s) attendu(s).",
    "too_long": "Au plus {max_length} élément(s) accepté(s).",
    "list_type": "Une liste est attendue.",
    "tuple_type": "Une liste est attendue.",
    "set_type": "Une liste est attendue.",
    "frozen_set_type": "Une liste est attendue.",
    "iterable_type": "Une liste est attendue.",
    "enum": "Valeur non reconnue ; valeurs possibles : {expected}.",
    "literal_error": "Valeur non reconnue ; valeurs possibles : {expected}.",
    "date_type": "Une date est attendue (AAAA-MM-JJ).",
    "date_parsing": "Une date est attendue (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Une date est attendue (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "Une date sans heure est attendue (AAAA-MM-JJ).",
    "date_past": "La date doit être dans le passé.",
    "date_future": "La date doit être dans le futur.",
    "time_type": "Une heure est attendue (HH:MM).",
    "time_parsing": "Une heure est attendue (HH:MM).",
    "datetime_type": "Une date et heure est attendue (AAAA-MM-JJTHH:MM:SS).",
    "datetime_parsing": "Une date et heure est attendue (AAAA-MM-JJTHH:MM:SS).",
    "datetime_from_date_parsing": "Une date et heure est attendue (AAAA-MM-JJTHH:MM:SS).",
    "datetime_object_invalid": "Date et heure invalide.",
    "datetime_past": "La date doit être dans le passé.",
    "datetime_future": "La date doit être dans le futur.",
    "timezone_naive": "La date ne doit pas comporter de fuseau horaire.",
    "timezone_aware": "La date doit comporter un fuseau horaire.",
    "time_delta_type": "Une durée est attendue.",
    "time_delta_parsing": "Une durée est attendue.",
    "uuid_type": "Un identifiant UUID est attendu.",
    "uuid_parsing": "Un identifiant UUID est attendu.",
    "uuid_version": "Version d'UUID non acceptée.",
    "url_type": "Une adresse web est attendue.",
    "url_parsing": "Adresse web invalide.",
    "url_syntax_violation": "Adresse web invalide.",
    "url_too_long": "Adresse web trop longue.",
    "url_scheme": "Schéma d'adresse web non accepté.",
    "none_required": "Aucune valeur n'est attendue.",
    "bytes_type": "Des données binaires sont attendues.",
    "union_tag_invalid": "Type d'objet non reconnu.",
    "union_tag_not_found": "Type d'objet manquant.",
    "recursion_loop": "Structure de données circulaire.",
}
_FALLBACK = "Valeur invalide."
# Where the parameter comes from; not part of the field's name as a caller knows it.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def translate_error(error: dict[str, Any]) -> str:
    """French message for one pydantic error dict (`type`, `msg`, `ctx`)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"}:
        # Our own validators raise ValueError with a French message: show it without pydantic's English prefix.
        message = str(ctx.get("error") or error.get("msg") or "")
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message or _FALLBACK
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return _FALLBACK
    try:
        return template.format(**{k: _plain(v) for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return template.split(";")[0].split("{")[0].strip() or _FALLBACK


def _plain(value: Any) -> str:
    # pydantic quotes enum choices in English ("'a' or 'b'"): keep the values, French conjunction.
    return str(value).replace("' or '", "', '")


def field_name(loc: tuple | list) -> str:
    """Dotted name of the field as the caller wrote it: `adresse.code_postal`, `items.0.nom`, `q`."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # Body and form parameters are nested under the view argument's name (`payload`) when one schema is used.
        if source in {"body", "form"} and len(parts) > 1:
            parts.pop(0)
    return ".".join(str(p) for p in parts)


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"champ": field_name(e.get("loc", ())), "message": translate_error(e)} for e in errors]


def json_error(api, request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def install_error_handlers(api) -> None:
    def on_validation(request, exc: ValidationError):
        return json_error(api, request, 422, MSG_INVALID, errors=validation_errors(exc.errors))

    def on_http_error(request, exc: HttpError):
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = MSG_MALFORMED
        message = _NINJA_MESSAGES.get(message, message)
        return json_error(api, request, exc.status_code, message)

    def on_throttled(request, exc: Throttled):
        seconds = max(1, math.ceil(exc.wait)) if exc.wait else 60
        return json_error(api, request, 429, MSG_THROTTLED.format(seconds=seconds))

    def on_not_found(request, exc: Exception):
        message = str(exc) if isinstance(exc, Http404) else ""
        # Django's own messages ("No Commune matches the given query.") are English: replace them.
        if not message or message.startswith("No ") or "matches the given query" in message:
            message = MSG_NOT_FOUND
        return json_error(api, request, 404, message)

    def on_permission_denied(request, exc: PermissionDenied):
        return json_error(api, request, 403, str(exc) or MSG_FORBIDDEN)

    def on_domain_error(request, exc: DomainError):
        status = 409 if exc.code == "conflit" else 400
        extra = {"errors": [{"champ": exc.field, "message": exc.message}]} if exc.field else {}
        return json_error(api, request, status, exc.message, **extra)

    def on_unexpected(request, exc: Exception):
        logger.error(
            "Erreur interne de l'API : %s %s",
            request.method,
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return json_error(api, request, 500, MSG_SERVER)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_http_error)
    api.add_exception_handler(AuthorizationError, on_http_error)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(Exception, on_unexpected)
