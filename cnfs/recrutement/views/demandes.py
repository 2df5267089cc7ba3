"""Structure space, requests: edit and submit a draft, close a request, ask for an amendment."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement import permissions, services
from cnfs.recrutement.enums import StatutDemande
from cnfs.recrutement.forms import AvenantForm, ClotureForm, DemandeForm, attach_error
from cnfs.recrutement.models import DemandePostes
from cnfs.recrutement.views._helpers import crumbs, managed_structure_or_404
from cnfs.recrutement.views.structure import DEMANDE_DONE


def _managed_demande_or_404(request, pk) -> DemandePostes:
    demande = get_object_or_404(DemandePostes.objects.select_related("structure__commune__departement"), pk=pk)
    if not permissions.can_manage_structure(request.user, demande.structure):
        raise Http404("Demande introuvable.")
    return demande


@role_required(Role.STRUCTURE)
def demande_edit(request, pk):
    """A draft: change it, keep it as a draft, or submit it (the commitment box is then required)."""
    demande = _managed_demande_or_404(request, pk)
    structure = demande.structure
    if demande.statut != StatutDemande.BROUILLON:
        messages.info(
            request, f"Cette demande est « {demande.get_statut_display().lower()} » : elle ne se modifie plus."
        )
        return redirect(structure.get_absolute_url())
    initial = {
        name: getattr(demande, name)
        for name in ("nombre_postes", "coordinateur", "date_debut_souhaitee", "motivation", "engagement")
    }
    form = DemandeForm(request.POST or None, initial=initial)
    deposer = request.POST.get("action") != "brouillon"
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_update(
                actor=request.user, demande=demande, deposer=deposer, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, DEMANDE_DONE[deposer])
            return redirect(structure.get_absolute_url())
    return render(
        request,
        "recrutement/structure/demande_form.html",
        {
            "structure": structure,
            "form": form,
            "demande": demande,
            "breadcrumbs": crumbs((structure.nom, structure.get_absolute_url()), ("Brouillon de demande", None)),
        },
    )


@require_POST
@role_required(Role.STRUCTURE)
def demande_close(request, pk):
    """Withdraw a request (structure: abandonnée) or cancel it / mark it as a duplicate (national team)."""
    demande = _managed_demande_or_404(request, pk)
    form = ClotureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez comment clôturer la demande.")
    else:
        try:
            closed = services.demande_close(
                actor=request.user, demande=demande, statut=form.cleaned_data["statut"], request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Demande clôturée : « {closed.get_statut_display().lower()} ».")
    return redirect(demande.structure.get_absolute_url())


@role_required(Role.STRUCTURE)
def avenant(request, pk):
    """Ask for more posts or give some back, for one of the programme's fixed reasons."""
    structure = managed_structure_or_404(request, pk)
    form = AvenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.avenant_request(actor=request.user, structure=structure, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Votre demande d’avenant est enregistrée : l’équipe nationale va l’examiner.")
            return redirect(structure.get_absolute_url())
    return render(
        request,
        "recrutement/structure/avenant.html",
        {
            "structure": structure,
            "form": form,
            "breadcrumbs": crumbs((structure.nom, structure.get_absolute_url()), ("Demande d’avenant", None)),
        },
    )
