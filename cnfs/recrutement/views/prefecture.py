"""Prefecture space: requests of the territory and the opinion form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement import permissions, selectors, services
from cnfs.recrutement.forms import AvisForm, attach_error
from cnfs.recrutement.models import DemandePostes
from cnfs.recrutement.views._helpers import crumbs, paginate


@role_required(Role.PREFECTURE, Role.HUB)
def demandes(request):
    en_cours = request.GET.get("toutes") != "1"
    page = paginate(request, selectors.demandes_for_territory(request.user, en_cours_only=en_cours))
    rows = list(page.object_list)
    coverage = selectors.coverage_for_demandes(
        rows, selectors.territory_departements(request.user), first_rank=page.start_index()
    )
    return render(
        request,
        "recrutement/prefecture/demandes.html",
        {
            "page": page,
            "rows": [(page.start_index() + i, d, coverage.gains.get(d.pk)) for i, d in enumerate(rows)],
            "coverage": coverage,
            "en_cours": en_cours,
            "can_give_avis": Role.PREFECTURE in request.user.role_set,
            "breadcrumbs": crumbs(("Demandes de postes du territoire", None)),
        },
    )


@role_required(Role.PREFECTURE)
def avis(request, pk):
    demande = get_object_or_404(DemandePostes.objects.select_related("structure__commune__departement"), pk=pk)
    if not permissions.can_give_avis(request.user, demande):
        raise Http404("Demande introuvable.")
    form = AvisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.avis_prefet_give(actor=request.user, demande=demande, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Votre avis est enregistré.")
            return redirect("recrutement:prefecture_demandes")
    return render(
        request,
        "recrutement/prefecture/avis.html",
        {
            "demande": demande,
            "historique": demande.avis_prefet.select_related("auteur"),
            "form": form,
            "breadcrumbs": crumbs(
                ("Demandes de postes du territoire", reverse("recrutement:prefecture_demandes")),
                (f"Avis sur la demande de {demande.structure.nom}", None),
            ),
        },
    )
