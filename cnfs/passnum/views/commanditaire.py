"""Buyer space: orders, creation against the State envelope, issue, booklets to distributors, booklet PDFs."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.core.errors import DomainError
from cnfs.passnum import permissions, selectors, services
from cnfs.passnum.forms import AnnulationCarnetForm, AttributionForm, CommandeForm
from cnfs.passnum.models import Carnet, Commande
from cnfs.passnum.pdf import MAX_CARNETS_PAR_PDF, carnets_pdf
from cnfs.passnum.views._helpers import crumbs, paginate
from cnfs.recrutement.forms import attach_error


def _commande_or_404(request, pk) -> Commande:
    commande = get_object_or_404(Commande.objects.select_related("commanditaire", "enveloppe"), pk=pk)
    if not permissions.can_view_commande(request.user, commande):
        raise Http404("Commande introuvable.")
    return commande


@permissions.commanditaire_required
def espace(request):
    return render(
        request,
        "passnum/commanditaire/espace.html",
        {
            "commanditaires": list(selectors.commanditaires_of(request.user)),
            "commandes": paginate(request, selectors.commandes_of(request.user)),
            "breadcrumbs": crumbs(("Mes commandes", None)),
        },
    )


@permissions.commanditaire_required
def commande_create(request):
    form = CommandeForm(
        request.POST or None,
        commanditaires=selectors.commanditaires_of(request.user),
        enveloppes=selectors.enveloppes_ouvertes(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["valeur_faciale"] = data.pop("valeur_euros") * 100
        try:
            commande = services.commande_create(actor=request.user, request=request, **data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Commande {commande.reference} enregistrée : émettez ses carnets.")
            return redirect("passnum:commande", pk=commande.pk)
    return render(
        request,
        "passnum/commanditaire/commande_form.html",
        {
            "form": form,
            "breadcrumbs": crumbs(("Mes commandes", reverse("passnum:commanditaire")), ("Nouvelle commande", None)),
        },
    )


def commande_detail(request, pk):
    commande = _commande_or_404(request, pk)
    return render(
        request,
        "passnum/commanditaire/commande.html",
        {
            "commande": commande,
            "zones": list(commande.zones.all()),
            "stats": selectors.commande_stats(commande),
            "attribution_form": AttributionForm(distributeurs=selectors.distributeurs_for(commande)),
            "annulation_form": AnnulationCarnetForm(),
            "max_pdf": MAX_CARNETS_PAR_PDF,
            "breadcrumbs": crumbs(("Mes commandes", reverse("passnum:commanditaire")), (commande.reference, None)),
        },
    )


def _post_action(request, commande, action, success: str):
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("passnum:commande", pk=commande.pk)


@require_POST
def commande_emettre(request, pk):
    commande = _commande_or_404(request, pk)
    return _post_action(
        request,
        commande,
        lambda: services.commande_emettre(actor=request.user, commande=commande, request=request),
        f"{commande.nb_carnets} carnet(s) et {commande.nb_cheques} chèque(s) émis.",
    )


@require_POST
def commande_annuler(request, pk):
    commande = _commande_or_404(request, pk)
    return _post_action(
        request,
        commande,
        lambda: services.commande_annuler(actor=request.user, commande=commande, request=request),
        "Commande annulée ; la part de l’État est rendue à l’enveloppe.",
    )


@require_POST
def carnets_attribuer(request, pk):
    commande = _commande_or_404(request, pk)
    form = AttributionForm(request.POST, distributeurs=selectors.distributeurs_for(commande))
    if not form.is_valid():
        messages.error(request, "Choisissez un distributeur du territoire et un nombre de carnets positif.")
        return redirect("passnum:commande", pk=commande.pk)
    return _post_action(
        request,
        commande,
        lambda: services.carnets_attribuer(
            actor=request.user, commande=commande, request=request, **form.cleaned_data
        ),
        f"{form.cleaned_data['nombre']} carnet(s) remis à {form.cleaned_data['distributeur']}.",
    )


@require_POST
def carnet_annuler(request, pk):
    commande = _commande_or_404(request, pk)
    form = AnnulationCarnetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le numéro du carnet et le motif de son annulation.")
        return redirect("passnum:commande", pk=commande.pk)
    carnet = Carnet.objects.filter(commande=commande, numero=form.cleaned_data["numero"]).first()
    if carnet is None:
        messages.error(request, f"Cette commande n’a pas de carnet n° {form.cleaned_data['numero']}.")
        return redirect("passnum:commande", pk=commande.pk)
    return _post_action(
        request,
        commande,
        lambda: services.carnet_annuler(
            actor=request.user, carnet=carnet, motif=form.cleaned_data["motif"], request=request
        ),
        f"Carnet n° {carnet.numero} annulé : ses chèques non utilisés sont refusés partout.",
    )


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def carnets_pdf_view(request, pk):
    commande = _commande_or_404(request, pk)
    if commande.statut == "engagee" or not commande.nb_carnets:
        raise Http404("Les carnets de cette commande ne sont pas encore émis.")
    first = max(1, _int(request.GET.get("de"), 1))
    last = min(commande.nb_carnets, _int(request.GET.get("a"), first + MAX_CARNETS_PAR_PDF - 1))
    last = min(last, first + MAX_CARNETS_PAR_PDF - 1)
    if last < first:
        raise Http404("Aucun carnet dans cet intervalle.")
    carnets = selectors.carnets_of_commande_for_pdf(commande, first, last)
    redeem_url = request.build_absolute_uri(reverse("passnum:encaisser"))
    response = HttpResponse(carnets_pdf(commande, carnets, redeem_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="carnets-{commande.reference}-{first}-{last}.pdf"'
    return response
