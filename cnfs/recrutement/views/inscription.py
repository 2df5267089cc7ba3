"""Public sign-up pages: a host structure registers itself, a person applies to become an advisor, the e-mailed
confirmation link. Logged-in structure managers register another structure without a new account."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.middleware import second_factor_state
from cnfs.core.permissions import has_role
from cnfs.core.services import client_ip
from cnfs.recrutement import permissions, services
from cnfs.recrutement.forms import (
    CandidatSignupForm,
    ResendConfirmationForm,
    StructureForm,
    StructureSignupForm,
    attach_error,
)
from cnfs.recrutement.services._common import DoublonError
from cnfs.recrutement.services.inscriptions import signup_limit, user_for_confirmation

HOME = {"label": "Accueil", "url": "/"}
THROTTLED = (
    "Trop d’inscriptions ont été tentées depuis votre connexion. Par sécurité, patientez une heure avant de réessayer."
)


def _throttled(request) -> bool:
    """Count one sign-up attempt from this address; True once it tried too often (nothing is written then)."""
    limit = signup_limit()
    ip = client_ip(request)
    if limit.exceeded(ip):
        return True
    limit.hit(ip)
    return False


def _refused(request, template: str, context: dict):
    return render(request, template, {**context, "throttled": THROTTLED}, status=429)


def _doublon_context(request, error: DomainError) -> dict:
    """The structure a refused SIRET belongs to, with a link to it when this person may open its page."""
    if not isinstance(error, DoublonError):
        return {}
    existing = error.existing
    can_open = request.user.is_authenticated and permissions.can_view_structure(request.user, existing)
    return {"doublon": existing, "doublon_url": existing.get_absolute_url() if can_open else None}


@login_not_required
@csrf_protect
@never_cache
def structure(request):
    """Register a host structure: with an account (logged in) it is attached to it at once; otherwise the page also
    creates the account, which a link sent by e-mail activates."""
    logged_in = request.user.is_authenticated
    if logged_in and second_factor_state(request.user) in ("verify", "enrol"):
        # A public page skips the second-factor gate: an account that needs a code must type it before acting.
        return redirect(f"{reverse('core:otp_verify')}?{urlencode({'next': request.path})}")
    form_class = StructureForm if logged_in else StructureSignupForm
    initial = {}
    if logged_in:
        user = request.user
        initial = {"contact_prenom": user.first_name, "contact_nom": user.last_name, "contact_email": user.email}
    form = form_class(request.POST or None, initial=initial)
    context = {
        "form": form,
        "logged_in": logged_in,
        "breadcrumbs": [HOME, {"label": "Inscrire une structure d’accueil"}],
    }
    if request.method == "POST":
        if _throttled(request):
            return _refused(request, "recrutement/inscription/structure.html", context)
        if form.is_valid():
            try:
                if logged_in:
                    created = services.structure_create(
                        actor=request.user, manager=request.user, request=request, **form.service_kwargs()
                    )
                else:
                    created = services.structure_signup(request=request, **form.service_kwargs())
            except DomainError as error:
                attach_error(form, error, aliases={"email": "contact_email"})
                context.update(_doublon_context(request, error))
            else:
                if logged_in:
                    messages.success(
                        request, f"La structure « {created.nom} » est enregistrée et rattachée à votre compte."
                    )
                    return redirect(created.get_absolute_url())
                request.session["inscription_email"] = created.contact_email
                return redirect("recrutement:inscription_envoyee")
    return render(request, "recrutement/inscription/structure.html", context)


@login_not_required
@csrf_protect
@never_cache
def candidat(request):
    """« Devenir conseiller numérique »: the account and the application in one form; logged-in people edit their
    application in their space instead."""
    breadcrumbs = [HOME, {"label": "Devenir conseiller numérique"}]
    if request.user.is_authenticated:
        if has_role(request.user, Role.CANDIDAT):
            return redirect("recrutement:candidature_profil")
        # Another kind of account (a structure manager…): an application needs its own account.
        return render(
            request, "recrutement/inscription/candidat.html", {"logged_in": True, "breadcrumbs": breadcrumbs}
        )
    form = CandidatSignupForm(request.POST or None, request.FILES or None)
    context = {"form": form, "logged_in": False, "breadcrumbs": breadcrumbs}
    if request.method == "POST":
        if _throttled(request):
            return _refused(request, "recrutement/inscription/candidat.html", context)
        if form.is_valid():
            try:
                candidature = services.candidat_signup(
                    cv=request.FILES.get("cv"), request=request, **form.service_kwargs()
                )
            except DomainError as error:
                attach_error(form, error, aliases={"password": "password1", "situations": None})
            else:
                request.session["inscription_email"] = candidature.email
                return redirect("recrutement:inscription_envoyee")
    return render(request, "recrutement/inscription/candidat.html", context)


@login_not_required
def envoyee(request):
    return render(
        request,
        "recrutement/inscription/envoyee.html",
        {
            "email": request.session.get("inscription_email", ""),
            "breadcrumbs": [HOME, {"label": "Confirmez votre adresse électronique"}],
        },
    )


@login_not_required
@csrf_protect
@never_cache
def confirmer(request, uidb64, token):
    """The e-mailed link shows a button; the account is activated on POST only (mail scanners follow links)."""
    valid = user_for_confirmation(uidb64, token) is not None
    error = None
    if request.method == "POST":
        try:
            services.account_confirm(uidb64=uidb64, token=token, request=request)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, "Votre adresse électronique est confirmée : vous pouvez vous connecter.")
            return redirect("core:login")
    return render(
        request,
        "recrutement/inscription/confirmer.html",
        {"valid": valid, "error": error, "breadcrumbs": [HOME, {"label": "Confirmer mon adresse électronique"}]},
        status=200 if valid else 400,
    )


@login_not_required
@csrf_protect
@never_cache
def renvoyer(request):
    """Ask for a new confirmation link. Same answer whether or not the address has an account waiting."""
    form = ResendConfirmationForm(request.POST or None)
    context = {"form": form, "breadcrumbs": [HOME, {"label": "Recevoir un nouveau lien de confirmation"}]}
    if request.method == "POST":
        if _throttled(request):
            return _refused(request, "recrutement/inscription/renvoyer.html", context)
        if form.is_valid():
            services.confirmation_resend(email=form.cleaned_data["email"], request=request)
            request.session["inscription_email"] = form.cleaned_data["email"]
            return redirect("recrutement:inscription_envoyee")
    return render(request, "recrutement/inscription/renvoyer.html", context)
