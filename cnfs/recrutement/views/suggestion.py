"""Global suggestion page: the best assignment of available candidates to the open posts of a territory, next to
the greedy baseline. A proposal only: the national team or the hub turns a line into a proposal to the structure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from cnfs.core.errors import DomainError
from cnfs.recrutement import permissions
from cnfs.recrutement.forms_donnees import NATION, TerritoryForm
from cnfs.recrutement.models import Candidature, Structure
from cnfs.recrutement.selectors_suggestion import global_suggestion
from cnfs.recrutement.services.suggestions import suggestion_propose
from cnfs.recrutement.views._helpers import crumbs
from cnfs.territoires.models import Departement

PAGE_SIZE = 50


def _territories(user) -> list[tuple[str, str]]:
    allowed = permissions.suggestion_departements(user)
    if allowed is not None and not allowed:
        raise PermissionDenied("La suggestion globale est réservée à l’équipe nationale, aux hubs et aux préfectures.")
    departements = Departement.objects.order_by("code")
    choices = []
    if allowed is None:
        choices.append((NATION, "France entière"))
    else:
        departements = departements.filter(code__in=allowed)
        if len(allowed) > 1:
            choices.append(("tous", "Tous mes départements"))
    choices += [(d.code, f"{d.code} — {d.nom}") for d in departements]
    return choices


def _departements_of(choice: str, user) -> frozenset[str] | None:
    allowed = permissions.suggestion_departements(user)
    if choice == NATION:
        return None
    if choice == "tous":
        return allowed
    return frozenset({choice})


def page(request):
    choices = _territories(request.user)
    asked = "territoire" in request.GET
    form = TerritoryForm(request.GET if asked else None, choices=choices)
    if asked and not form.is_valid():
        raise Http404("Territoire inconnu ou hors de votre périmètre.")
    choice = form.cleaned_data["territoire"] if asked else choices[0][0]
    suggestion = global_suggestion(_departements_of(choice, request.user))
    lines = Paginator(suggestion.lines, PAGE_SIZE).get_page(request.GET.get("page"))
    can_propose = {line.structure.pk for line in lines if permissions.can_propose(request.user, line.structure)}
    return render(
        request,
        "recrutement/suggestion/page.html",
        {
            "form": form if asked else TerritoryForm(initial={"territoire": choice}, choices=choices),
            "choice": choice,
            "territory_label": dict(choices)[choice],
            "suggestion": suggestion,
            "page": lines,
            "can_propose": can_propose,
            "breadcrumbs": crumbs(("Suggestion globale", None)),
        },
    )


@require_POST
def propose(request, structure_pk, candidature_pk):
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=structure_pk)
    if permissions.suggestion_departements(request.user) == frozenset():
        raise PermissionDenied("La suggestion globale est réservée à l’équipe nationale, aux hubs et aux préfectures.")
    if not permissions.can_propose(request.user, structure):
        raise PermissionDenied("Vous ne pouvez pas proposer de candidats à cette structure.")
    candidature = get_object_or_404(Candidature, pk=candidature_pk)
    try:
        suggestion_propose(actor=request.user, structure=structure, candidature=candidature, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{candidature.prenom} {candidature.nom} est proposé·e à {structure.nom} : la structure le voit "
            "parmi ses candidats.",
        )
    back = request.POST.get("territoire", "")
    if back not in dict(_territories(request.user)):
        back = ""
    query = f"?{urlencode({'territoire': back})}" if back else ""
    return redirect(reverse("recrutement:suggestion") + query)
