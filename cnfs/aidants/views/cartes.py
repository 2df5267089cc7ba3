"""TOTP devices of aidants (ac-life): the national team imports hardware cards; the responsable links a card or an
authenticator application to one of their aidants, or removes a device."""

from base64 import b32encode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.aidants import permissions
from cnfs.aidants.forms_totp import CarteLinkForm, CartesImportForm, CodeForm
from cnfs.aidants.models import Aidant, CarteTOTP, Organisation
from cnfs.aidants.services import cartes as services
from cnfs.aidants.views._helpers import crumbs, paginate
from cnfs.core.errors import DomainError
from cnfs.core.views.otp import _grouped, _qr_svg
from cnfs.recrutement.forms import attach_error


def cartes(request):
    """National team: the stock of cards and the CSV import."""
    if not permissions.can_review_habilitations(request.user):
        raise PermissionDenied("Cette page est réservée à l’équipe nationale.")
    form = CartesImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        report = services.cartes_import_csv(actor=request.user, content=form.cleaned_data["fichier"].read())
        if report.ok:
            messages.success(request, f"{report.imported} carte(s) importée(s).")
            return redirect("aidants:anct_cartes")
        errors = report.errors
    return render(
        request,
        "aidants/anct/cartes.html",
        {
            "form": form,
            "errors": errors,
            "cartes": paginate(request, CarteTOTP.objects.select_related("aidant__user").order_by("serial"), size=50),
            "breadcrumbs": crumbs(
                ("Habilitations Aidants Connect", reverse("aidants:anct_demandes")),
                ("Cartes d’authentification", None),
            ),
        },
    )


def _aidant_or_404(request, pk, aidant_pk) -> tuple[Organisation, Aidant]:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise Http404("Organisation introuvable.")
    aidant = get_object_or_404(Aidant.objects.select_related("user"), pk=aidant_pk, organisation=organisation)
    return organisation, aidant


def _crumbs(organisation, aidant, label=None):
    items = [(organisation.nom, reverse("aidants:organisation", args=[organisation.pk]))]
    if label:
        url = reverse("aidants:dispositifs", args=[organisation.pk, aidant.pk])
        items += [(f"Authentification de {aidant.user}", url), (label, None)]
    else:
        items.append((f"Authentification de {aidant.user}", None))
    return crumbs(*items)


def dispositifs(request, pk, aidant_pk):
    """The aidant's devices; POST links a card by its serial."""
    organisation, aidant = _aidant_or_404(request, pk, aidant_pk)
    form = CarteLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            carte = services.carte_link(actor=request.user, aidant=aidant, serial=form.cleaned_data["serial"])
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Carte {carte.serial} liée à {aidant.user}.")
            return redirect("aidants:dispositifs", pk=organisation.pk, aidant_pk=aidant.pk)
    return render(
        request,
        "aidants/responsable/dispositifs.html",
        {
            "organisation": organisation,
            "aidant": aidant,
            "devices": services.aidant_devices(aidant),
            "form": form,
            "breadcrumbs": _crumbs(organisation, aidant),
        },
    )


def application(request, pk, aidant_pk):
    """Enrol an authenticator application for the aidant, in front of the responsable: QR code then first code."""
    organisation, aidant = _aidant_or_404(request, pk, aidant_pk)
    device = services.application_pending(actor=request.user, aidant=aidant)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_confirm(
                actor=request.user, aidant=aidant, device_id=device.pk, code=form.cleaned_data["code"], request=request
            )
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, f"Application d’authentification liée à {aidant.user}.")
            return redirect("aidants:dispositifs", pk=organisation.pk, aidant_pk=aidant.pk)
    return render(
        request,
        "aidants/responsable/application.html",
        {
            "organisation": organisation,
            "aidant": aidant,
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "breadcrumbs": _crumbs(organisation, aidant, "Lier une application"),
        },
    )


@require_POST
def dispositif_retirer(request, pk, aidant_pk, device_pk):
    organisation, aidant = _aidant_or_404(request, pk, aidant_pk)
    try:
        services.device_unlink(actor=request.user, aidant=aidant, device_id=device_pk, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Dispositif d’authentification retiré.")
    return redirect("aidants:dispositifs", pk=organisation.pk, aidant_pk=aidant.pk)
