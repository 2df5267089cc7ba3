"""Place space: qualification application, redemption of vouchers (phone friendly), recent redemptions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from cnfs.core.errors import DomainError
from cnfs.passnum import permissions, selectors, services
from cnfs.passnum.forms import EncaissementForm, QualificationForm
from cnfs.passnum.views._helpers import crumbs
from cnfs.recrutement.forms import attach_error


def _lieu(request):
    lieux = list(selectors.lieux_of(request.user))
    wanted = request.GET.get("lieu") or request.POST.get("lieu_id")
    for lieu in lieux:
        if str(lieu.pk) == str(wanted):
            return lieu, lieux
    if not lieux:
        raise PermissionDenied("Aucun lieu ne vous est rattaché.")
    return lieux[0], lieux


@permissions.lieu_required
def espace(request):
    lieu, lieux = _lieu(request)
    qualification = selectors.qualification_of(lieu)
    return render(
        request,
        "passnum/lieu/espace.html",
        {
            "lieu": lieu,
            "lieux": lieux,
            "qualification": qualification,
            "encaissements": selectors.encaissements_recents(qualification) if qualification else [],
            "par_mois": selectors.encaissements_par_mois(qualification) if qualification else [],
            "breadcrumbs": crumbs(("Mon lieu", None)),
        },
    )


@permissions.lieu_required
def qualification(request):
    lieu, _ = _lieu(request)
    current = selectors.qualification_of(lieu)
    initial = {"siret": lieu.pivot if lieu.pivot and lieu.pivot != "0" * 14 else ""}
    if current is not None:
        initial = {
            "siret": current.siret,
            "services": current.services,
            "bic": current.bic,
            "titulaire_compte": current.titulaire_compte,
        }
    form = QualificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_demander(actor=request.user, lieu=lieu, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Demande de qualification envoyée : l’équipe nationale va l’instruire.")
            return redirect(f"{reverse('passnum:lieu')}?lieu={lieu.pk}")
    return render(
        request,
        "passnum/lieu/qualification.html",
        {
            "lieu": lieu,
            "qualification": current,
            "form": form,
            "breadcrumbs": crumbs(("Mon lieu", reverse("passnum:lieu")), ("Qualification", None)),
        },
    )


@permissions.lieu_required
def encaisser(request):
    lieu, lieux = _lieu(request)
    if request.method == "POST":
        form = EncaissementForm(request.POST)
    else:  # a QR code scanned by the phone's camera opens this page with the code filled in
        form = EncaissementForm(initial={"code": request.GET.get("code", "")[:40]})
    result = None
    if request.method == "POST" and form.is_valid():
        if not permissions.can_act_for_lieu(request.user, lieu.pk):
            raise PermissionDenied("Vous ne pouvez encaisser que pour votre propre lieu.")
        try:
            result = services.cheque_encaisser(code=form.cleaned_data["code"], lieu=lieu, user=request.user)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, result.message)
            return redirect(f"{request.path}?lieu={lieu.pk}")
    return render(
        request,
        "passnum/lieu/encaisser.html",
        {
            "lieu": lieu,
            "lieux": lieux,
            "form": form,
            "tentatives": selectors.tentatives_recentes(lieu),
            "breadcrumbs": crumbs(("Mon lieu", reverse("passnum:lieu")), ("Encaisser un chèque", None)),
        },
    )
