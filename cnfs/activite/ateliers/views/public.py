"""Public pages, no account needed: "Ateliers près de chez vous", an atelier and its booking form, appointment
slots, and the pages reached by the signed link of a confirmation e-mail (status, calendar file, cancellation)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cnfs.activite.ateliers import calendrier, emails, selectors, services
from cnfs.activite.ateliers.enums import StatutRendezVous, StatutReservation, TypeAcces
from cnfs.activite.ateliers.forms import ContactForm, RechercheAteliersForm, RendezVousForm, attach_error
from cnfs.activite.enums import Theme
from cnfs.activite.models import Creneau, Permanence
from cnfs.core.errors import DomainError
from cnfs.core.services import client_ip
from cnfs.core.throttling import Limit

THEMES = dict(Theme.choices)


def booking_limit() -> Limit:
    """Booking attempts per address: enough for a family or a public computer, not for a script."""
    return Limit(
        "ateliers-reservation-ip",
        int(getattr(settings, "ATELIERS_RESERVATIONS_MAX_PAR_IP", 20)),
        int(getattr(settings, "ATELIERS_RESERVATIONS_FENETRE_SECONDES", 3600)),
    )


def _crumbs(*items: tuple[str, str | None]) -> list[dict]:
    result = [{"label": "Accueil", "url": reverse("core:home")}]
    return result + [{"label": label, "url": url} for label, url in items]


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _throttled(request, template: str, context: dict):
    """Count one booking attempt; answer 429 with the form and a French message past the limit."""
    limit, ip = booking_limit(), client_ip(request)
    if limit.exceeded(ip):
        context["form"].add_error(
            None, "Trop de demandes d’inscription depuis cette connexion. Réessayez dans une heure."
        )
        return render(request, template, context, status=429)
    limit.hit(ip)
    return None


def _link_error(request, error: DomainError, *, status: int = 400):
    context = {"message": error.message, "breadcrumbs": _crumbs(("Lien", None))}
    return render(request, "activite/ateliers/public/lien_invalide.html", context, status=status)


@login_not_required
@require_safe
def ateliers(request):
    form = RechercheAteliersForm(request.GET or None)
    resultat = None
    if form.is_valid():
        resultat = selectors.ateliers_publics(q=form.cleaned_data["q"].strip(), theme=form.cleaned_data["theme"])
    else:
        resultat = selectors.ateliers_publics()
    context = {
        "form": form,
        "resultat": resultat,
        "themes": THEMES,
        "permanences": selectors.permanences_sur_rendez_vous()[:50],
        "breadcrumbs": _crumbs(("Ateliers près de chez vous", None)),
    }
    return render(request, "activite/ateliers/public/ateliers.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def atelier(request, pk: int):
    atelier = selectors.atelier_public(pk)
    if atelier is None:
        raise Http404("Atelier introuvable.")
    form = ContactForm(request.POST or None)
    context = {
        "atelier": atelier,
        "themes": [THEMES.get(t, t) for t in atelier.themes],
        "places_restantes": max(atelier.capacite - atelier.inscrits, 0),
        "passe": atelier.debut <= timezone.now(),
        "form": form,
        "breadcrumbs": _crumbs(
            ("Ateliers près de chez vous", reverse("activite:ateliers_publics")), (atelier.titre, None)
        ),
    }
    template = "activite/ateliers/public/atelier.html"
    if request.method == "POST":
        refused = _throttled(request, template, context)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                reservation = services.reservation_create(
                    atelier_id=atelier.pk,
                    nom=form.cleaned_data["nom"],
                    email=form.cleaned_data["email"],
                    telephone=form.cleaned_data["telephone"],
                    consentement=form.cleaned_data["consentement"],
                    base_url=_base_url(request),
                )
            except DomainError as error:
                attach_error(form, error)
            else:
                return redirect(emails.reservation_url(reservation, base_url="/") + "?nouvelle=1")
        return render(request, template, context, status=400)
    return render(request, template, context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def reservation(request, token: str):
    try:
        reservation = services.reservation_from_token(token)
    except DomainError as error:
        return _link_error(request, error, status=410 if error.code == "jeton_expire" else 400)
    message, status, succes = None, 200, False
    if request.method == "POST":
        try:
            reservation = services.reservation_cancel(token=token, base_url=_base_url(request))
        except DomainError as error:
            message, status = error.message, 400
        else:
            message, succes = "Votre inscription est annulée. Merci d’avoir libéré votre place.", True
    atelier = reservation.atelier
    context = {
        "reservation": reservation,
        "atelier": atelier,
        "token": token,
        "message": message,
        "succes": succes,
        "nouvelle": request.GET.get("nouvelle") == "1" and request.method != "POST",
        "annulable": reservation.statut != StatutReservation.ANNULEE and not atelier.annule_le,
        "breadcrumbs": _crumbs(
            ("Ateliers près de chez vous", reverse("activite:ateliers_publics")), ("Mon inscription", None)
        ),
    }
    return render(request, "activite/ateliers/public/reservation.html", context, status=status)


@login_not_required
@require_safe
def reservation_ics(request, token: str):
    try:
        reservation = services.reservation_from_token(token)
    except DomainError as error:
        return _link_error(request, error)
    if reservation.statut != StatutReservation.CONFIRMEE:
        raise Http404("Aucune place confirmée pour cette inscription.")
    url = emails.reservation_url(reservation, base_url=_base_url(request))
    response = HttpResponse(
        calendrier.atelier_ics(reservation.atelier, cancel_url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="atelier-{reservation.atelier_id}.ics"'
    return response


@login_not_required
@require_safe
def permanence(request, pk: int):
    permanence = get_object_or_404(
        Permanence.objects.select_related("lieu__commune"), pk=pk, acces=TypeAcces.RENDEZ_VOUS
    )
    context = {
        "permanence": permanence,
        "creneaux": selectors.creneaux_libres(permanence),
        "breadcrumbs": _crumbs(
            ("Ateliers près de chez vous", reverse("activite:ateliers_publics")), ("Prendre rendez-vous", None)
        ),
    }
    return render(request, "activite/ateliers/public/permanence.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def creneau(request, pk: int):
    creneau = get_object_or_404(
        Creneau.objects.select_related("permanence__lieu__commune"), pk=pk, permanence__acces=TypeAcces.RENDEZ_VOUS
    )
    form = RendezVousForm(request.POST or None)
    context = {
        "creneau": creneau,
        "permanence": creneau.permanence,
        "form": form,
        "breadcrumbs": _crumbs(
            ("Ateliers près de chez vous", reverse("activite:ateliers_publics")),
            ("Prendre rendez-vous", reverse("activite:permanence_publique", args=[creneau.permanence_id])),
            ("Réserver ce créneau", None),
        ),
    }
    template = "activite/ateliers/public/creneau.html"
    if request.method == "POST":
        refused = _throttled(request, template, context)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                rendezvous = services.rendezvous_book(
                    creneau_id=creneau.pk,
                    nom=form.cleaned_data["nom"],
                    email=form.cleaned_data["email"],
                    telephone=form.cleaned_data["telephone"],
                    consentement=form.cleaned_data["consentement"],
                    motif=form.cleaned_data["motif"],
                    base_url=_base_url(request),
                )
            except DomainError as error:
                attach_error(form, error)
            else:
                return redirect(emails.rendezvous_url(rendezvous, base_url="/") + "?nouveau=1")
        return render(request, template, context, status=400)
    return render(request, template, context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def rendezvous(request, token: str):
    try:
        rendezvous = services.rendezvous_from_token(token)
    except DomainError as error:
        return _link_error(request, error, status=410 if error.code == "jeton_expire" else 400)
    message, status, succes = None, 200, False
    if request.method == "POST":
        try:
            rendezvous = services.rendezvous_cancel(token=token)
        except DomainError as error:
            message, status = error.message, 400
        else:
            message, succes = "Votre rendez-vous est annulé. Le créneau est de nouveau disponible.", True
    context = {
        "rendezvous": rendezvous,
        "creneau": rendezvous.creneau,
        "message": message,
        "succes": succes,
        "nouveau": request.GET.get("nouveau") == "1" and request.method != "POST",
        "annulable": rendezvous.statut == StatutRendezVous.CONFIRME,
        "breadcrumbs": _crumbs(
            ("Ateliers près de chez vous", reverse("activite:ateliers_publics")), ("Mon rendez-vous", None)
        ),
    }
    return render(request, "activite/ateliers/public/rendezvous.html", context, status=status)
