"""Training organisation space: sessions, trainees, enrolments, results and attendance, certification, import."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import is_national, role_required
from cnfs.formation import exports, permissions, selectors, services
from cnfs.formation.forms import (
    PARCOURS,
    ImportForm,
    InscriptionForm,
    OrganismeForm,
    PassageForm,
    PresenceForm,
    ResultatForm,
    SessionForm,
    SessionPresencesForm,
    attach_error,
)
from cnfs.formation.models import ModuleFormation, OrganismeFormation, SessionFormation
from cnfs.formation.views._helpers import (
    crumbs,
    managed_inscription_or_404,
    managed_organisme_or_404,
    organisme_crumbs,
)
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.services.etapes import ETAPES_DU_PARCOURS


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def espace(request):
    """An organisation's staff go straight to their organisation; the national team sees them all and adds one."""
    organismes = list(
        selectors.organismes_overview(permissions.organismes_visible_to(request.user, OrganismeFormation.objects))
    )
    national = is_national(request.user)
    if len(organismes) == 1 and not national:
        return redirect(organismes[0].get_absolute_url())
    form = OrganismeForm(request.POST or None) if national else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            organisme = services.organisme_create(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Organisme « {organisme.nom} » enregistré.")
            return redirect(organisme.get_absolute_url())
    return render(
        request,
        "formation/organisme/espace.html",
        {"organismes": organismes, "form": form, "breadcrumbs": crumbs(("Formation", None))},
    )


@role_required(Role.FORMATION)
def detail(request, pk):
    organisme = managed_organisme_or_404(request, pk)
    return render(
        request,
        "formation/organisme/detail.html",
        {
            "organisme": organisme,
            "sessions": selectors.organisme_sessions(organisme),
            "inscriptions": selectors.organisme_inscriptions(organisme),
            "breadcrumbs": organisme_crumbs(organisme),
        },
    )


@role_required(Role.FORMATION)
def detail_export(request, pk, fmt):
    organisme = managed_organisme_or_404(request, pk)
    rows = exports.record_rows(selectors.organisme_inscriptions(organisme))
    return exports.response(exports.RECORD_HEADERS, rows, filename=f"stagiaires-{organisme.pk}", fmt=fmt)


def _form_page(request, organisme, form, title, submit, *, multipart=False, extra=None):
    return render(
        request,
        "formation/organisme/form.html",
        {
            "organisme": organisme,
            "form": form,
            "title": title,
            "submit": submit,
            "multipart": multipart,
            **(extra or {}),
            "breadcrumbs": organisme_crumbs(organisme, (title, None)),
        },
    )


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    organisme = managed_organisme_or_404(request, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_create(actor=request.user, organisme=organisme, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Session programmée.")
            return redirect(organisme.get_absolute_url())
    return _form_page(request, organisme, form, "Programmer une session", "Programmer la session")


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def inscrire(request, pk):
    organisme = managed_organisme_or_404(request, pk)
    form = InscriptionForm(request.POST or None, organisme=organisme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Only recruited advisors are found: an organisation learns nothing about other applications.
        candidature = Candidature.objects.filter(
            email=data["email"].strip().lower(), etape__in=ETAPES_DU_PARCOURS
        ).first()
        try:
            if candidature is None:
                raise DomainError("Aucun conseiller recruté n’a cette adresse électronique.", field="email")
            if data["cible"] == PARCOURS:
                created = services.parcours_initial_create(
                    actor=request.user,
                    organisme=organisme,
                    candidature=candidature,
                    date_debut=data["date_debut"],
                    request=request,
                )
            else:
                created = [
                    services.inscription_create(
                        actor=request.user,
                        organisme=organisme,
                        candidature=candidature,
                        module=ModuleFormation.objects.get(code=data["cible"]),
                        session=data["session"],
                        date_debut=data["date_debut"],
                        request=request,
                    )
                ]
        except DomainError as error:
            attach_error(form, error)
        else:
            heures = sum(i.heures_prevues for i in created)
            messages.success(request, f"{candidature} est inscrit·e à {len(created)} module(s), {heures} h prévues.")
            return redirect(organisme.get_absolute_url())
    return _form_page(request, organisme, form, "Inscrire un conseiller", "Inscrire")


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def resultat(request, pk):
    """Completed hours, dates and result of one training record, and the attendance of its days."""
    inscription = managed_inscription_or_404(request, pk)
    organisme = inscription.organisme
    initial = {
        "heures_prevues": inscription.heures_prevues,
        "heures_realisees": inscription.heures_realisees,
        "date_debut": inscription.date_debut,
        "date_fin": inscription.date_fin,
        "resultat": inscription.resultat,
    }
    is_presence = request.method == "POST" and "presence" in request.POST
    form = ResultatForm(request.POST if request.method == "POST" and not is_presence else None, initial=initial)
    presence_form = PresenceForm(request.POST if is_presence else None, prefix="presence")
    if request.method == "POST":
        target = presence_form if is_presence else form
        if target.is_valid():
            try:
                if is_presence:
                    services.presence_record(
                        actor=request.user, inscription=inscription, request=request, **presence_form.cleaned_data
                    )
                else:
                    services.inscription_record_result(
                        actor=request.user, inscription=inscription, request=request, **form.cleaned_data
                    )
            except DomainError as error:
                attach_error(target, error)
            else:
                messages.success(request, "Présence enregistrée." if is_presence else "Résultat enregistré.")
                return redirect("formation:resultat", pk=inscription.pk)
    return render(
        request,
        "formation/organisme/resultat.html",
        {
            "inscription": inscription,
            "form": form,
            "presence_form": presence_form,
            "presences": inscription.presences.all(),
            "breadcrumbs": organisme_crumbs(
                organisme, (f"{inscription.candidature} — {inscription.module.code}", None)
            ),
        },
    )


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def session(request, pk):
    """A session's trainees and the attendance of one of its days, for all of them at once."""
    session = get_object_or_404(SessionFormation.objects.select_related("organisme", "module"), pk=pk)
    if not permissions.can_manage_organisme(request.user, session.organisme):
        raise Http404("Session introuvable.")
    inscriptions = session.inscriptions.select_related("candidature").order_by("candidature__nom", "id")
    form = SessionPresencesForm(request.POST or None, inscriptions=inscriptions)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_presences_record(
                actor=request.user,
                session=session,
                date=form.cleaned_data["date"],
                entries=form.entries(),
                request=request,
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Présences du {form.cleaned_data['date']:%d/%m/%Y} enregistrées.")
            return redirect("formation:session", pk=session.pk)
    return render(
        request,
        "formation/organisme/session.html",
        {
            "session": session,
            "inscriptions": form.inscriptions,
            "form": form,
            "breadcrumbs": organisme_crumbs(session.organisme, (str(session), None)),
        },
    )


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def certification(request, pk):
    organisme = managed_organisme_or_404(request, pk)
    trainees = Candidature.objects.filter(pk__in=selectors.organisme_trainee_ids(organisme))
    form = PassageForm(request.POST or None, trainees=trainees)
    if request.method == "POST" and form.is_valid():
        try:
            services.passage_bloc_record(actor=request.user, organisme=organisme, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Résultat de certification enregistré.")
            return redirect(organisme.get_absolute_url())
    return _form_page(request, organisme, form, "Saisir un résultat de certification", "Enregistrer")


@role_required(Role.FORMATION)
@require_http_methods(["GET", "POST"])
def importer(request, pk):
    organisme = managed_organisme_or_404(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            report = services.resultats_import(
                actor=request.user,
                organisme=organisme,
                data=upload.read(),
                origin=upload.name,
                mode=form.cleaned_data["mode"],
                dry_run=form.cleaned_data["dry_run"],
                request=request,
            )
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "formation/organisme/import.html",
        {
            "organisme": organisme,
            "form": form,
            "report": report,
            "error": error,
            "breadcrumbs": organisme_crumbs(organisme, ("Importer des résultats", None)),
        },
    )
