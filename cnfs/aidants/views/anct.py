"""National review space: habilitation requests and aidants to habilitate."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.aidants import permissions, selectors, services
from cnfs.aidants.enums import Demarche
from cnfs.aidants.forms import DecisionForm
from cnfs.aidants.models import Aidant, DemandeHabilitation
from cnfs.aidants.views._helpers import crumbs, paginate
from cnfs.core.errors import DomainError
from cnfs.recrutement.forms import attach_error


def _national_only(request):
    if not permissions.can_review_habilitations(request.user):
        raise PermissionDenied("Cette page est réservée à l’équipe nationale.")


def demandes(request):
    _national_only(request)
    return render(
        request,
        "aidants/anct/demandes.html",
        {
            "a_instruire": selectors.demandes_a_instruire(a_confirmer=request.GET.get("a_confirmer") == "1"),
            "a_confirmer": request.GET.get("a_confirmer") == "1",
            "instruites": paginate(request, selectors.demandes_instruites()),
            "aidants": selectors.aidants_a_habiliter(),
            "breadcrumbs": crumbs(("Habilitations Aidants Connect", None)),
        },
    )


def demande_detail(request, pk):
    _national_only(request)
    demande = get_object_or_404(DemandeHabilitation, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, commentaire = form.cleaned_data["decision"], form.cleaned_data["commentaire"]
        try:
            if decision == DecisionForm.ACCEPTER:
                organisation = services.demande_accept(actor=request.user, demande=demande, request=request)
                messages.success(request, f"Demande acceptée : l’organisation « {organisation.nom} » est habilitée.")
            elif decision == DecisionForm.REFUSER:
                services.demande_refuse(actor=request.user, demande=demande, commentaire=commentaire, request=request)
                messages.success(request, "Demande refusée.")
            else:
                services.demande_ask_changes(
                    actor=request.user, demande=demande, commentaire=commentaire, request=request
                )
                messages.success(request, "Modifications demandées.")
        except DomainError as error:
            attach_error(form, error)
        else:
            return redirect("aidants:anct_demandes")
    return render(
        request,
        "aidants/anct/demande.html",
        {
            "demande": demande,
            "demarches": [Demarche(d).label for d in demande.demarches if d in Demarche.values],
            "form": form,
            "breadcrumbs": crumbs(
                ("Habilitations Aidants Connect", reverse("aidants:anct_demandes")),
                (f"Demande de {demande.nom}", None),
            ),
        },
    )


@require_POST
def aidant_habiliter(request, pk):
    _national_only(request)
    aidant = get_object_or_404(Aidant.objects.select_related("user"), pk=pk)
    try:
        services.aidant_validate(actor=request.user, aidant=aidant, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{aidant.user} est habilité·e.")
    return redirect("aidants:anct_demandes")
