"""National budget board (anct), envelope edits, and the territorial view of prefectures and hubs."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.core.errors import DomainError
from cnfs.financement import charts, permissions, selectors, services
from cnfs.financement.forms import EnveloppeForm, attach_error
from cnfs.financement.models import Enveloppe
from cnfs.financement.views._helpers import crumbs, require
from cnfs.territoires.models import Departement


def _envelope_chart(rows):
    bars = [charts.Bar(r.enveloppe.libelle, r.enveloppe.montant, r.enveloppe.engage, r.enveloppe.verse) for r in rows]
    return charts.bar_chart(bars, chart_id="graphique-enveloppes", title="Engagé et versé par enveloppe")


def tableau_de_bord(request):
    require(permissions.can_manage_budget(request.user))
    envelopes = selectors.envelope_rows()
    departements = selectors.by_departement()
    return render(
        request,
        "financement/tableau_de_bord.html",
        {
            "enveloppes": envelopes,
            "chart": _envelope_chart(envelopes),
            "departements": departements,
            "regions": selectors.by_region(departements),
            "total": selectors.total_of(departements),
            "breadcrumbs": crumbs(("Budget du programme", None)),
        },
    )


def enveloppe_modifier(request, pk):
    require(permissions.can_manage_budget(request.user))
    enveloppe = get_object_or_404(Enveloppe, pk=pk)
    initial = {
        "libelle": enveloppe.libelle,
        "montant": f"{enveloppe.montant // 100},{enveloppe.montant % 100:02d}",
        "date_debut": enveloppe.date_debut,
        "date_fin": enveloppe.date_fin,
    }
    form = EnveloppeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enveloppe_update(actor=request.user, enveloppe=enveloppe, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "L’enveloppe est modifiée.")
            return redirect("financement:tableau_de_bord")
    return render(
        request,
        "financement/enveloppe_form.html",
        {
            "enveloppe": enveloppe,
            "form": form,
            "breadcrumbs": crumbs(
                ("Budget du programme", reverse("financement:tableau_de_bord")),
                (f"Modifier « {enveloppe.libelle} »", None),
            ),
        },
    )


def territoire(request):
    """Read-only: the money of the départements a prefecture or hub agent covers (one of them with ?departement=)."""
    require(permissions.can_view_territoire(request.user))
    scope = permissions.departements_of(request.user)
    code = request.GET.get("departement") or None
    if code is not None and scope is not None and code not in scope:
        raise Http404("Département introuvable.")
    codes = [code] if code else (None if scope is None else sorted(scope))
    departements = selectors.by_departement(codes)
    conventions = selectors.conventions_for(request.user, departement=code)[:200]
    demandes = selectors.demandes_mobilier_for(request.user)
    if code:
        demandes = demandes.filter(lieu__commune__departement__code=code)
    choices = Departement.objects.order_by("code")
    if scope is not None:
        choices = choices.filter(code__in=scope)
    return render(
        request,
        "financement/territoire.html",
        {
            "departements": departements,
            "total": selectors.total_of(departements),
            "conventions": conventions,
            "demandes": demandes[:200],
            "choices": choices,
            "code": code or "",
            "breadcrumbs": crumbs(("Financement du territoire", None)),
        },
    )
