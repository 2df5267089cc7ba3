"""Mandate creation with the usager's FranceConnect identity (when FRANCECONNECT_ISSUER is set).

Nouveau mandat (démarches, duration) → FranceConnect page (the button) → the provider → callback → the provider's
logout → recap (identity, consent text) → the aidant's fresh TOTP code → the mandate. Every step is the aidant's only.
"""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cnfs.aidants.consentement import CONSENTEMENT_VERSION, consentement_lines
from cnfs.aidants.enums import Demarche, DureeMandat, mandat_end
from cnfs.aidants.forms import MandatChoixForm, MandatConfirmationForm
from cnfs.aidants.permissions import aidant_required, current_aidant
from cnfs.aidants.services import franceconnect as flow
from cnfs.aidants.views._helpers import crumbs
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement.forms import attach_error


def _crumbs(*last):
    return crumbs(("Mes usagers et mandats", reverse("aidants:aidant_espace")), *last)


def _callback_uri(request) -> str:
    return request.build_absolute_uri(reverse("aidants:franceconnect_callback"))


def _logout_uri(request) -> str:
    return request.build_absolute_uri(reverse("aidants:franceconnect_logged_out"))


def mandat_start(request):
    """`aidants:mandat_create` when FranceConnect is configured: the démarches and duration, nothing typed."""
    aidant = current_aidant(request.user)
    organisation = aidant.organisation
    kept = flow.choices(request.session, request.user)
    initial = {"demarches": kept["demarches"], "duree": kept["duree"]} if kept else None
    form = MandatChoixForm(request.POST or None, initial=initial, allowed=organisation.demarches_autorisees)
    if request.method == "POST" and form.is_valid():
        try:
            flow.choices_keep(
                request.session,
                aidant_user=request.user,
                demarches=form.cleaned_data["demarches"],
                duree=form.cleaned_data["duree"],
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            return redirect("aidants:franceconnect")
    return render(
        request,
        "aidants/aidant/mandat_choix.html",
        {
            "form": form,
            "organisation": organisation,
            "breadcrumbs": _crumbs(("Nouveau mandat", None)),
        },
    )


def _choices_labels(kept: dict) -> tuple[str, str]:
    return ", ".join(Demarche(d).label for d in kept["demarches"]), DureeMandat(kept["duree"]).label


@role_required(Role.AIDANT)
@aidant_required
def connexion(request):
    """The choices so far and the FranceConnect button the usager uses."""
    kept = flow.choices(request.session, request.user)
    if kept is None:
        messages.error(request, flow.NO_CHOICES)
        return redirect("aidants:mandat_create")
    demarches, duree = _choices_labels(kept)
    return render(
        request,
        "aidants/aidant/franceconnect.html",
        {
            "demarches": demarches,
            "duree": duree,
            "breadcrumbs": _crumbs(("Nouveau mandat", reverse("aidants:mandat_create")), ("FranceConnect", None)),
        },
    )


@role_required(Role.AIDANT)
@aidant_required
def authorize(request):
    """A link, not a form: the browser goes to the provider (the CSP's form-action stays 'self')."""
    try:
        url = flow.authorization_begin(request.session, aidant_user=request.user, redirect_uri=_callback_uri(request))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("aidants:mandat_create")
    return redirect(url)


@role_required(Role.AIDANT)
@aidant_required
def callback(request):
    try:
        url = flow.callback_identity(
            request.session,
            aidant_user=request.user,
            params=request.GET,
            redirect_uri=_callback_uri(request),
            logout_redirect_uri=_logout_uri(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("aidants:mandat_create")
    return redirect(url)


@role_required(Role.AIDANT)
@aidant_required
def logged_out(request):
    """Back from the provider's logout: the recap."""
    return redirect("aidants:franceconnect_recap")


@role_required(Role.AIDANT)
@aidant_required
def recap(request):
    pending = flow.identity_pending(request.session, request.user)
    kept = flow.choices(request.session, request.user)
    if pending is None or kept is None:
        messages.error(request, flow.NO_IDENTITY)
        return redirect("aidants:mandat_create")
    form = MandatConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp = form.cleaned_data["totp"]
            mandat = flow.mandat_confirm(request.session, aidant_user=request.user, totp_code=totp)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Mandat créé pour {mandat.usager}.")
            return redirect("aidants:mandat", pk=mandat.pk)
    organisation = current_aidant(request.user).organisation
    demarches, duree = _choices_labels(kept)
    claims = pending["claims"]
    return render(
        request,
        "aidants/aidant/franceconnect_recap.html",
        {
            "form": form,
            "given_name": claims["given_name"],
            "family_name": claims["family_name"],
            "birthdate": datetime.date.fromisoformat(claims["birthdate"]),
            "demarches": demarches,
            "duree": duree,
            "consentement": consentement_lines(
                CONSENTEMENT_VERSION,
                organisation=organisation.nom,
                demarches=demarches,
                duree=duree,
                fin=f"{timezone.localtime(mandat_end(timezone.now(), kept['duree'])):%d/%m/%Y}",
            ),
            "breadcrumbs": _crumbs(("Nouveau mandat", reverse("aidants:mandat_create")), ("Récapitulatif", None)),
        },
    )
