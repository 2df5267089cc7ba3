"""Distributor space: booklets received, hand-outs (anonymous by public by default; named only with consent)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from cnfs.core.errors import DomainError
from cnfs.passnum import permissions, selectors, services
from cnfs.passnum.forms import DistributionForm
from cnfs.passnum.views._helpers import crumbs
from cnfs.recrutement.forms import attach_error


def _distributeur(request):
    distributeurs = list(selectors.distributeurs_of(request.user))
    wanted = request.GET.get("distributeur") or request.POST.get("distributeur_id")
    for distributeur in distributeurs:
        if str(distributeur.pk) == str(wanted):
            return distributeur, distributeurs
    if not distributeurs:
        raise PermissionDenied("Aucun distributeur ne vous est rattaché.")
    return distributeurs[0], distributeurs


@permissions.distributeur_required
def espace(request):
    distributeur, distributeurs = _distributeur(request)
    carnets = selectors.carnets_recus(distributeur)
    form = DistributionForm(
        request.POST or None, carnets=carnets, commandes=selectors.commandes_en_stock(distributeur)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.carnets_distribuer(
                actor=request.user,
                carnet_ids=data["carnet_ids"],
                public=data["public"],
                consentement=data["consentement"],
                beneficiaire_nom=data["beneficiaire_nom"],
                request=request,
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"{count} carnet(s) distribué(s).")
            return redirect(f"{request.path}?distributeur={distributeur.pk}")
    return render(
        request,
        "passnum/distributeur/espace.html",
        {
            "distributeur": distributeur,
            "distributeurs": distributeurs,
            "form": form,
            "has_carnets": carnets.exists(),
            "stock": selectors.stock_ranges(distributeur),
            "counts": selectors.distribution_counts(distributeur),
            "breadcrumbs": crumbs(("Carnets à distribuer", None)),
        },
    )
