"""Responsable space: the organisation's aidants, mandates and figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.aidants import permissions, selectors, services
from cnfs.aidants.forms import FormationForm
from cnfs.aidants.models import Aidant, Organisation
from cnfs.aidants.views._helpers import crumbs, paginate
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement.forms import attach_error


def _managed_or_404(request, pk) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise Http404("Organisation introuvable.")
    return organisation


@role_required(Role.RESPONSABLE)
def espace(request):
    ids = sorted(permissions.responsable_organisation_ids(request.user))
    if not ids:
        raise PermissionDenied("Aucune organisation Aidants Connect ne vous est rattachée.")
    organisations = list(Organisation.objects.filter(pk__in=ids))
    if len(organisations) == 1:
        return redirect("aidants:organisation", pk=organisations[0].pk)
    return render(
        request,
        "aidants/responsable/choix.html",
        {"organisations": organisations, "breadcrumbs": crumbs(("Mes organisations", None))},
    )


def organisation(request, pk):
    organisation = _managed_or_404(request, pk)
    return render(
        request,
        "aidants/responsable/organisation.html",
        {
            "organisation": organisation,
            "aidants": selectors.aidants_of_organisation(organisation.pk),
            "mandats": paginate(request, selectors.mandats_of_organisation(organisation.pk)),
            "stats": selectors.organisation_stats(organisation),
            "stats_mois": selectors.organisation_monthly_stats(organisation),
            "breadcrumbs": crumbs((organisation.nom, None)),
        },
    )


def formation(request, pk, aidant_pk):
    organisation = _managed_or_404(request, pk)
    aidant = get_object_or_404(Aidant.objects.select_related("user"), pk=aidant_pk, organisation=organisation)
    form = FormationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.aidant_record_training(actor=request.user, aidant=aidant, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Résultat de formation enregistré.")
            return redirect("aidants:organisation", pk=organisation.pk)
    return render(
        request,
        "aidants/responsable/formation.html",
        {
            "organisation": organisation,
            "aidant": aidant,
            "form": form,
            "breadcrumbs": crumbs(
                (organisation.nom, reverse("aidants:organisation", args=[organisation.pk])),
                (f"Formation de {aidant.user}", None),
            ),
        },
    )
