"""Money pages: dashboards and exports (buyer, national), credit notes (buyer), monthly statements (place),
payment batches and the State co-funding claim (national)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.core.errors import DomainError
from cnfs.passnum import exports, permissions, services
from cnfs.passnum import selectors_paiements as selectors
from cnfs.passnum.models import LotPaiement
from cnfs.passnum.views._helpers import crumbs, paginate


@permissions.commanditaire_required
def tableau(request):
    commandes = selectors.commandes_visibles(request.user)
    fmt = request.GET.get("export")
    vue = request.GET.get("vue", "commandes")
    if fmt in ("csv", "xlsx"):
        if vue == "territoires":
            rows, columns = selectors.tableau_territoires(commandes), exports.COLONNES_TERRITOIRES
        else:
            rows, columns = selectors.tableau_commandes(commandes), exports.COLONNES_COMMANDES
        return exports.export_response(rows, columns, f"pass-numerique-{vue}", fmt)
    return render(
        request,
        "passnum/paiements/tableau.html",
        {
            "commandes": selectors.tableau_commandes(commandes),
            "territoires": selectors.tableau_territoires(commandes),
            "breadcrumbs": crumbs(("Tableau de bord", None)),
        },
    )


@permissions.commanditaire_required
def avoirs(request):
    return render(
        request,
        "passnum/paiements/avoirs.html",
        {"avoirs": paginate(request, selectors.avoirs_of(request.user)), "breadcrumbs": crumbs(("Avoirs", None))},
    )


@permissions.lieu_required
def releves(request):
    return render(
        request,
        "passnum/paiements/releves.html",
        {
            "releves": paginate(request, selectors.releves_of(request.user)),
            "breadcrumbs": crumbs(("Mon lieu", None), ("Relevés mensuels", None)),
        },
    )


@permissions.national_required
def lots(request):
    return render(
        request,
        "passnum/paiements/lots.html",
        {
            "lots": paginate(request, selectors.lots()),
            "a_payer": selectors.releves_a_payer(),
            "breadcrumbs": crumbs(("Espace national", None), ("Lots de paiement", None)),
        },
    )


@require_POST
@permissions.national_required
def lot_preparer(request):
    try:
        lot = services.lot_preparer(user=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("passnum:lots")
    messages.success(request, f"Lot {lot.reference} préparé : {lot.nb_releves} relevé(s).")
    return redirect("passnum:lot", pk=lot.pk)


@permissions.national_required
def lot_detail(request, pk):
    lot = get_object_or_404(LotPaiement.objects.defer("fichier_xml", "fichier_csv"), pk=pk)
    return render(
        request,
        "passnum/paiements/lot.html",
        {
            "lot": lot,
            "releves": lot.releves.select_related("lieu__lieu").order_by("mois", "lieu_id"),
            "breadcrumbs": crumbs(("Lots de paiement", None), (lot.reference, None)),
        },
    )


@require_POST
@permissions.national_required
def lot_action(request, pk, action):
    lot = get_object_or_404(LotPaiement, pk=pk)
    service = services.lot_transmettre if action == "transmettre" else services.lot_marquer_paye
    try:
        service(lot=lot, user=request.user, request=request)
        messages.success(request, "Lot transmis à la banque." if action == "transmettre" else "Lot marqué payé.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("passnum:lot", pk=lot.pk)


@permissions.national_required
def lot_fichier(request, pk, fmt):
    lot = get_object_or_404(LotPaiement, pk=pk)
    if fmt == "xml":
        response = HttpResponse(lot.fichier_xml, content_type="application/xml; charset=utf-8")
    else:
        response = HttpResponse("\ufeff" + lot.fichier_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{lot.reference}.{fmt}"'
    return response


@permissions.national_required
def cofinancement(request):
    rows = selectors.cofinancement_par_commande()
    return render(
        request,
        "passnum/paiements/cofinancement.html",
        {
            "commandes": rows,
            "enveloppes": selectors.cofinancement_par_enveloppe(rows),
            "breadcrumbs": crumbs(("Espace national", None), ("Cofinancement de l’État", None)),
        },
    )
