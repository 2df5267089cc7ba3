"""Error pages. 400 and 500 use a standalone template rendered without database or request context."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur</title></head>'
    "<body><main><h1>Erreur inattendue</h1><p>Le service rencontre un problème. L’incident a été enregistré. "
    'Réessayez dans quelques instants.</p><p><a href="/">Retour à l’accueil</a></p></main></body></html>'
)


def _standalone(template_name: str, status: int) -> HttpResponse:
    """Render without context processors (no database, no session): these pages must show even when both fail."""
    try:
        body = loader.get_template(template_name).render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # the page of last resort must never raise
        logger.exception("Rendu de la page d’erreur %s impossible", template_name)
        body = FALLBACK_500
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _page(request, template_name: str, status: int, context: dict | None = None) -> HttpResponse:
    try:
        return render(request, template_name, context or {}, status=status)
    except DatabaseError:
        logger.exception("Page d’erreur %s rendue sans menu : base de données indisponible", status)
        return _standalone("500.html", status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _standalone("400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    # Our views raise PermissionDenied with a French sentence meant for the person; anything else gets the default.
    message = str(exception) if exception is not None and exception.args else ""
    return _page(request, "403.html", 403, {"message": message})


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    return _standalone("500.html", 500)


def csrf_failure(request, reason=""):
    return _page(request, "403_csrf.html", 403)
