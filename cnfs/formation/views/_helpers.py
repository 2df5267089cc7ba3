from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from cnfs.formation import permissions
from cnfs.formation.models import Inscription, OrganismeFormation


def crumbs(*items: tuple[str, str | None]) -> list[dict]:
    """Breadcrumbs from (label, url) pairs, starting at "Mon espace"."""
    result = [{"label": "Accueil", "url": "/"}, {"label": "Mon espace", "url": reverse("core:mon_espace")}]
    return result + [{"label": label, "url": url} for label, url in items]


def managed_organisme_or_404(request, pk: int) -> OrganismeFormation:
    """The organisation if the user works for it (or is national); 404 otherwise, so that others learn nothing."""
    organisme = get_object_or_404(OrganismeFormation, pk=pk)
    if not permissions.can_manage_organisme(request.user, organisme):
        raise Http404("Organisme introuvable.")
    return organisme


def managed_inscription_or_404(request, pk: int) -> Inscription:
    inscription = get_object_or_404(
        Inscription.objects.select_related("candidature", "module", "organisme", "session"), pk=pk
    )
    if not permissions.can_manage_organisme(request.user, inscription.organisme):
        raise Http404("Inscription introuvable.")
    return inscription


def organisme_crumbs(organisme: OrganismeFormation, *items: tuple[str, str | None]) -> list[dict]:
    return crumbs(
        ("Formation", reverse("formation:organisme_espace")), (organisme.nom, organisme.get_absolute_url()), *items
    )
