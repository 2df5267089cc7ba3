"""Pages of the advisor: their ateliers (bookings, attendance), permanences, appointment slots and appointments."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cnfs.activite.ateliers import permissions, selectors, services
from cnfs.activite.ateliers.enums import StatutReservation, TypeAcces
from cnfs.activite.ateliers.forms import (
    AtelierForm,
    CapaciteForm,
    CompteRenduRendezVousForm,
    CreneauxForm,
    DetailsAtelierForm,
    PermanenceForm,
    PresencesForm,
    attach_error,
)
from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS, Theme
from cnfs.activite.models import Atelier, Creneau, Permanence, RendezVous
from cnfs.activite.selectors import lieux_of_conseiller
from cnfs.core.errors import DomainError

THEMES = dict(Theme.choices)


def _crumbs(*items: tuple[str, str | None]) -> list[dict]:
    result = [{"label": "Accueil", "url": "/"}, {"label": "Mon espace", "url": reverse("core:mon_espace")}]
    return result + [{"label": label, "url": url} for label, url in items]


def _visible_or_404(request, model, pk: int, *, manage: bool = False, related=()):
    """The object if the user may see it (manage: change it); 404 otherwise, so that others learn nothing."""
    obj = get_object_or_404(model.objects.select_related(*related), pk=pk)
    allowed = permissions.can_manage if manage else permissions.can_view
    if not allowed(request.user, obj):
        raise Http404("Introuvable.")
    return obj


# --- Ateliers -------------------------------------------------------------------------------------------------


@permissions.advisor_required
@require_safe
def mes_ateliers(request):
    context = {
        "ateliers": selectors.ateliers_of_conseiller(request.user)[:200],
        "now": timezone.now(),
        "breadcrumbs": _crumbs(("Mes ateliers", None)),
    }
    return render(request, "activite/ateliers/conseiller/ateliers.html", context)


@permissions.advisor_required
@require_http_methods(["GET", "HEAD", "POST"])
def atelier_create(request):
    lieux = lieux_of_conseiller(request.user)
    form = AtelierForm(request.POST or None, lieux=lieux)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            atelier = services.atelier_create(
                actor=request.user,
                titre=data["titre"],
                description=data["description"],
                themes=data["themes"],
                niveau=data["niveau"],
                debut=form.debut(),
                duree_minutes=data["duree_minutes"],
                capacite=data["capacite"],
                lieu=data["lieu"],
                lien_distance=data["lien_distance"],
                liste_attente=data["liste_attente"],
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "L’atelier est publié : le public peut s’y inscrire.")
            return redirect("activite:atelier_gestion", atelier.pk)
    context = {
        "form": form,
        "sans_lieu": not lieux.exists(),
        "breadcrumbs": _crumbs(("Mes ateliers", reverse("activite:mes_ateliers")), ("Nouvel atelier", None)),
    }
    return render(
        request, "activite/ateliers/conseiller/atelier_form.html", context, status=400 if form.errors else 200
    )


@permissions.advisor_required
@require_safe
def atelier_gestion(request, pk: int):
    atelier = _visible_or_404(request, Atelier, pk, related=("lieu__commune",))
    reservations = selectors.reservations_of(atelier)
    context = {
        "atelier": atelier,
        "themes": [THEMES.get(t, t) for t in atelier.themes],
        "reservations": reservations,
        "inscrits": sum(1 for r in reservations if r.statut == StatutReservation.CONFIRMEE),
        "en_attente": sum(1 for r in reservations if r.statut == StatutReservation.ATTENTE),
        "can_manage": permissions.can_manage(request.user, atelier),
        "commence": atelier.debut <= timezone.now(),
        "capacite_form": CapaciteForm(initial={"capacite": atelier.capacite}),
        "details_form": DetailsAtelierForm(
            initial={
                "titre": atelier.titre,
                "jour": timezone.localtime(atelier.debut).date(),
                "heure": timezone.localtime(atelier.debut).time().replace(second=0, microsecond=0),
            }
        ),
        "breadcrumbs": _crumbs(("Mes ateliers", reverse("activite:mes_ateliers")), (atelier.titre, None)),
    }
    return render(request, "activite/ateliers/conseiller/atelier.html", context)


@permissions.advisor_required
@require_POST
def atelier_capacite(request, pk: int):
    atelier = _visible_or_404(request, Atelier, pk, manage=True)
    form = CapaciteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez un nombre de places entre 1 et 100.")
        return redirect("activite:atelier_gestion", atelier.pk)
    try:
        services.atelier_capacite_update(
            actor=request.user,
            atelier=atelier,
            capacite=form.cleaned_data["capacite"],
            base_url=request.build_absolute_uri("/"),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le nombre de places est modifié ; la liste d’attente en profite s’il augmente.")
    return redirect("activite:atelier_gestion", atelier.pk)


@permissions.advisor_required
@require_POST
def atelier_details(request, pk: int):
    atelier = _visible_or_404(request, Atelier, pk, manage=True)
    form = DetailsAtelierForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le titre, la date (JJ/MM/AAAA) et l’heure de début de l’atelier.")
        return redirect("activite:atelier_gestion", atelier.pk)
    moved = form.debut() != atelier.debut
    try:
        services.atelier_details_update(
            actor=request.user,
            atelier=atelier,
            titre=form.cleaned_data["titre"],
            debut=form.debut(),
            base_url=request.build_absolute_uri("/"),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = "L’atelier est modifié"
        messages.success(request, done + (" ; les personnes inscrites sont prévenues par courriel." if moved else "."))
    return redirect("activite:atelier_gestion", atelier.pk)


@permissions.advisor_required
@require_POST
def atelier_annuler(request, pk: int):
    atelier = _visible_or_404(request, Atelier, pk, manage=True)
    try:
        services.atelier_cancel(actor=request.user, atelier=atelier)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "L’atelier est annulé ; les personnes inscrites sont prévenues par courriel.")
    return redirect("activite:atelier_gestion", atelier.pk)


@permissions.advisor_required
@require_http_methods(["GET", "HEAD", "POST"])
def atelier_presences(request, pk: int):
    atelier = _visible_or_404(request, Atelier, pk, manage=True, related=("lieu__commune",))
    confirmed = [r for r in selectors.reservations_of(atelier) if r.statut == StatutReservation.CONFIRMEE]
    initial = {"presents": [str(r.pk) for r in confirmed if r.present]}
    form = PresencesForm(request.POST or None, reservations=confirmed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.presences_record(
                actor=request.user,
                atelier=atelier,
                presents={int(pk) for pk in form.cleaned_data["presents"]},
                sans_inscription=form.cleaned_data["sans_inscription"] or 0,
                ages=form.counts(AGE_FIELDS),
                statuts=form.counts(STATUT_FIELDS),
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Présences enregistrées : le compte rendu collectif de l’atelier est à jour.")
            return redirect("activite:atelier_gestion", atelier.pk)
    context = {
        "atelier": atelier,
        "form": form,
        "breadcrumbs": _crumbs(
            ("Mes ateliers", reverse("activite:mes_ateliers")),
            (atelier.titre, reverse("activite:atelier_gestion", args=[atelier.pk])),
            ("Présences", None),
        ),
    }
    return render(request, "activite/ateliers/conseiller/presences.html", context, status=400 if form.errors else 200)


# --- Permanences and appointment slots ------------------------------------------------------------------------


@permissions.advisor_required
@require_safe
def mes_permanences(request):
    context = {
        "permanences": selectors.permanences_of_conseiller(request.user),
        "rendez_vous": TypeAcces.RENDEZ_VOUS,
        "breadcrumbs": _crumbs(("Mes permanences", None)),
    }
    return render(request, "activite/ateliers/conseiller/permanences.html", context)


@permissions.advisor_required
@require_http_methods(["GET", "HEAD", "POST"])
def permanence_create(request):
    lieux = lieux_of_conseiller(request.user)
    form = PermanenceForm(request.POST or None, lieux=lieux)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.permanence_create(
                actor=request.user,
                lieu=data["lieu"],
                horaires_osm=data["horaires"],
                acces=data["acces"],
                itinerante=data["itinerante"],
                description=data["description"],
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "La permanence est enregistrée.")
            return redirect("activite:mes_permanences")
    context = {
        "form": form,
        "sans_lieu": not lieux.exists(),
        "breadcrumbs": _crumbs(
            ("Mes permanences", reverse("activite:mes_permanences")), ("Nouvelle permanence", None)
        ),
    }
    status = 400 if form.errors else 200
    return render(request, "activite/ateliers/conseiller/permanence_form.html", context, status=status)


@permissions.advisor_required
@require_http_methods(["GET", "HEAD", "POST"])
def permanence_creneaux(request, pk: int):
    permanence = _visible_or_404(request, Permanence, pk, related=("lieu__commune",))
    form = CreneauxForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_manage(request.user, permanence):
            raise Http404("Introuvable.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.creneaux_publish(
                    actor=request.user,
                    permanence=permanence,
                    jour=data["jour"],
                    de=data["de"],
                    a=data["a"],
                    duree_minutes=data["duree_minutes"],
                )
            except DomainError as error:
                attach_error(form, error)
            else:
                messages.success(request, f"{len(created)} créneau(x) publié(s).")
                return redirect("activite:permanence_creneaux", permanence.pk)
    context = {
        "permanence": permanence,
        "form": form,
        "creneaux": selectors.creneaux_of(permanence),
        "can_manage": permissions.can_manage(request.user, permanence),
        "breadcrumbs": _crumbs(
            ("Mes permanences", reverse("activite:mes_permanences")), ("Créneaux de rendez-vous", None)
        ),
    }
    status = 400 if form.errors else 200
    return render(request, "activite/ateliers/conseiller/creneaux.html", context, status=status)


@permissions.advisor_required
@require_POST
def creneau_supprimer(request, pk: int):
    creneau = get_object_or_404(Creneau.objects.select_related("permanence"), pk=pk)
    if not permissions.can_manage(request.user, creneau.permanence):
        raise Http404("Introuvable.")
    try:
        services.creneau_delete(actor=request.user, creneau=creneau)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le créneau est retiré.")
    return redirect("activite:permanence_creneaux", creneau.permanence_id)


@permissions.advisor_required
@require_safe
def mes_rendezvous(request):
    now = timezone.now()
    rendezvous = list(selectors.rendezvous_of_conseiller(request.user)[:200])
    context = {
        "a_venir": [r for r in rendezvous if r.creneau.debut > now][::-1],
        "passes": [r for r in rendezvous if r.creneau.debut <= now],
        "breadcrumbs": _crumbs(("Mes rendez-vous", None)),
    }
    return render(request, "activite/ateliers/conseiller/rendezvous.html", context)


@permissions.advisor_required
@require_http_methods(["GET", "HEAD", "POST"])
def rendezvous_cra(request, pk: int):
    """After the meeting, the individual activity record pre-filled from the appointment (one per appointment)."""
    rendezvous = get_object_or_404(RendezVous.objects.select_related("creneau__permanence__lieu"), pk=pk)
    if not permissions.can_manage(request.user, rendezvous.creneau.permanence):
        raise Http404("Introuvable.")
    if rendezvous.accompagnement_id:
        messages.info(request, "Le compte rendu de ce rendez-vous est déjà enregistré : vous pouvez le modifier.")
        return redirect("activite:cra_modifier", rendezvous.accompagnement_id)
    if rendezvous.creneau.debut > timezone.now():
        messages.error(request, "Le compte rendu se remplit après le rendez-vous.")
        return redirect("activite:mes_rendezvous")
    form = CompteRenduRendezVousForm(request.POST or None, initial={"duree_minutes": rendezvous.creneau.duree_minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.rendezvous_compte_rendu(actor=request.user, rendezvous=rendezvous, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Le compte rendu du rendez-vous est enregistré.")
            return redirect("activite:mes_rendezvous")
    context = {
        "rendezvous": rendezvous,
        "creneau": rendezvous.creneau,
        "form": form,
        "breadcrumbs": _crumbs(
            ("Mes rendez-vous", reverse("activite:mes_rendezvous")), ("Compte rendu du rendez-vous", None)
        ),
    }
    status = 400 if form.errors else 200
    return render(request, "activite/ateliers/conseiller/rendezvous_cra.html", context, status=status)
