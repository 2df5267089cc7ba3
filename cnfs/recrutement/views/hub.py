"""Hub view: the requests, structures and recruitments of the hub's départements, read-only."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cnfs.core.enums import Role
from cnfs.core.permissions import role_required
from cnfs.recrutement import selectors
from cnfs.recrutement.views._helpers import crumbs

SECTION_SIZE = 25


def _section(request, queryset, name: str):
    return Paginator(queryset, SECTION_SIZE).get_page(request.GET.get(f"{name}_page"))


@role_required(Role.HUB)
def territoire(request):
    return render(
        request,
        "recrutement/hub/territoire.html",
        {
            "departements": selectors.territory_departements(request.user),
            "demandes": _section(request, selectors.demandes_for_territory(request.user), "demandes"),
            "structures": _section(request, selectors.structures_for_territory(request.user), "structures"),
            "recrutements": _section(request, selectors.recrutements_for_territory(request.user), "recrutements"),
            "breadcrumbs": crumbs(("Recrutement dans vos départements", None)),
        },
    )
