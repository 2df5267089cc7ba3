from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404

from cnfs.recrutement import permissions
from cnfs.recrutement.models import Structure

PAGE_SIZE = 25


def crumbs(*items: tuple[str, str | None]) -> list[dict]:
    """Breadcrumbs from (label, url) pairs, starting at "Mon espace"."""
    from django.urls import reverse

    result = [{"label": "Accueil", "url": "/"}, {"label": "Mon espace", "url": reverse("core:mon_espace")}]
    result += [{"label": label, "url": url} for label, url in items]
    return result


def managed_structure_or_404(request, pk: int) -> Structure:
    """The structure if the user manages it (or is national); 404 otherwise, so that others learn nothing."""
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=pk)
    if not permissions.can_manage_structure(request.user, structure):
        raise Http404("Structure introuvable.")
    return structure


def visible_structure_or_404(request, pk: int) -> Structure:
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=pk)
    if not permissions.can_view_structure(request.user, structure):
        raise Http404("Structure introuvable.")
    return structure


def paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))
