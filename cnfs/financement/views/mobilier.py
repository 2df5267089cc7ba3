"""Equipment grants: the furniture catalogue, requests by places, the national decision and payment."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.core.errors import DomainError
from cnfs.financement import permissions, selectors, services
from cnfs.financement.enums import StatutDemandeMobilier
from cnfs.financement.forms import DateActionForm, DecisionMobilierForm, DemandeMobilierForm, attach_error
from cnfs.financement.models import DemandeMobilier, ModeleMobilier
from cnfs.financement.views._helpers import crumbs, paginate, pdf_download, require


def _visible_demande_or_404(request, pk) -> DemandeMobilier:
    demande = get_object_or_404(
        DemandeMobilier.objects.select_related("lieu__commune__departement", "modele", "enveloppe"), pk=pk
    )
    if not permissions.can_view_demande_mobilier(request.user, demande):
        raise Http404("Demande introuvable.")
    return demande


def catalogue(request):
    require(permissions.can_view_catalogue(request.user))
    return render(
        request,
        "financement/mobilier_catalogue.html",
        {
            "modeles": selectors.catalogue(),
            "peut_demander": selectors.lieux_for_request(request.user).exists(),
            "breadcrumbs": crumbs(("Catalogue du mobilier", None)),
        },
    )


def plans(request, pk):
    require(permissions.can_view_catalogue(request.user))
    modele = get_object_or_404(ModeleMobilier, pk=pk)
    return pdf_download(modele.plans, f"Plans {modele.nom}.pdf")


def demandes(request):
    require(permissions.can_view_catalogue(request.user))
    statut = request.GET.get("statut") or None
    if statut not in StatutDemandeMobilier.values:
        statut = None
    return render(
        request,
        "financement/mobilier_demandes.html",
        {
            "page": paginate(request, selectors.demandes_mobilier_for(request.user, statut=statut)),
            "statut": statut or "",
            "statuts": StatutDemandeMobilier.choices,
            "enveloppe": services.enveloppe_mobilier(),
            "peut_demander": selectors.lieux_for_request(request.user).exists(),
            "breadcrumbs": crumbs(("Aides au mobilier", None)),
        },
    )


def demande_creer(request):
    lieux = selectors.lieux_for_request(request.user)
    require(permissions.can_view_catalogue(request.user) and lieux.exists())
    form = DemandeMobilierForm(request.POST or None, request.FILES or None, lieux=lieux)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.demande_mobilier_create(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Votre demande d’aide est déposée : l’équipe nationale va l’examiner.")
            return redirect(demande.get_absolute_url())
    return render(
        request,
        "financement/mobilier_demande_form.html",
        {
            "form": form,
            "breadcrumbs": crumbs(
                ("Aides au mobilier", reverse("financement:mobilier_demandes")), ("Nouvelle demande", None)
            ),
        },
    )


def demande(request, pk):
    demande = _visible_demande_or_404(request, pk)
    can_manage = permissions.can_manage_budget(request.user)
    form = DecisionMobilierForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            try:
                services.demande_mobilier_decide(
                    actor=request.user,
                    demande=demande,
                    accorder=form.cleaned_data["decision"] == "accorder",
                    motif_refus=form.cleaned_data["motif_refus"],
                    request=request,
                )
            except DomainError as error:
                attach_error(form, error)
            else:
                messages.success(request, "La décision est enregistrée.")
                return redirect(demande.get_absolute_url())
    return render(
        request,
        "financement/mobilier_demande.html",
        {
            "demande": demande,
            "form": form if demande.statut == StatutDemandeMobilier.DEPOSEE else None,
            "can_manage": can_manage,
            "date_form": DateActionForm() if can_manage else None,
            "breadcrumbs": crumbs(
                ("Aides au mobilier", reverse("financement:mobilier_demandes")), (f"Demande n° {demande.pk}", None)
            ),
        },
    )


@require_POST
def demande_verser(request, pk):
    require(permissions.can_manage_budget(request.user))
    demande = _visible_demande_or_404(request, pk)
    form = DateActionForm(request.POST)
    try:
        services.demande_mobilier_pay(
            actor=request.user,
            demande=demande,
            date=form.cleaned_data.get("date") if form.is_valid() else None,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "L’aide est versée.")
    return redirect(demande.get_absolute_url())


def devis(request, pk):
    demande = _visible_demande_or_404(request, pk)
    return pdf_download(demande.devis, f"Devis demande {demande.pk}.pdf")
