"""National committee space: sessions, decisions, validation of recruitments and departures."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.core.errors import DomainError
from cnfs.recrutement import permissions, selectors, services
from cnfs.recrutement.forms import DecisionForm, JustificatifForm, SessionForm, attach_error
from cnfs.recrutement.models import AvenantPostes, Contrat, DemandePostes, MiseEnRelation, Rupture, SessionComite
from cnfs.recrutement.views._helpers import crumbs


def _national(view):
    """The committee pages belong to the national team only (role `anct` on the national scope)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_run_comite(request.user):
            raise PermissionDenied("Cette page est réservée à l’équipe nationale.")
        return view(request, *args, **kwargs)

    return wrapper


@_national
def index(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_comite_create(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Session n° {session.numero} ouverte.")
            return redirect("recrutement:comite_session", numero=session.numero)
    return render(
        request,
        "recrutement/comite/index.html",
        {
            "sessions": SessionComite.objects.all(),
            "demandes": selectors.demandes_for_comite(),
            "form": form,
            "breadcrumbs": crumbs(("Comité de sélection", None)),
        },
    )


@_national
def session(request, numero):
    session = get_object_or_404(SessionComite, numero=numero)
    return render(
        request,
        "recrutement/comite/session.html",
        {
            "session": session,
            "decisions": session.decisions.select_related("demande__structure__commune"),
            "demandes": selectors.demandes_for_comite(),
            "breadcrumbs": crumbs(
                ("Comité de sélection", reverse("recrutement:comite_index")), (f"Session n° {session.numero}", None)
            ),
        },
    )


@_national
def decision(request, numero, pk):
    session = get_object_or_404(SessionComite, numero=numero)
    demande = get_object_or_404(DemandePostes.objects.select_related("structure__commune__departement"), pk=pk)
    form = DecisionForm(request.POST or None, demande=demande)
    if request.method == "POST" and form.is_valid():
        try:
            services.comite_decide(
                actor=request.user, session=session, demande=demande, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Décision enregistrée : la structure et la préfecture sont prévenues.")
            return redirect("recrutement:comite_session", numero=session.numero)
    return render(
        request,
        "recrutement/comite/decision.html",
        {
            "session": session,
            "demande": demande,
            "historique_avis": demande.avis_prefet.all(),
            "form": form,
            "breadcrumbs": crumbs(
                ("Comité de sélection", reverse("recrutement:comite_index")),
                (f"Session n° {session.numero}", reverse("recrutement:comite_session", args=[session.numero])),
                (demande.structure.nom, None),
            ),
        },
    )


@_national
def validations(request):
    return render(
        request,
        "recrutement/comite/validations.html",
        {
            "recrutements": selectors.recrutements_to_validate(),
            "ruptures": [
                (r, JustificatifForm(initial={"justificatif": r.justificatif}, national=True, prefix=f"r{r.pk}"))
                for r in selectors.ruptures_to_validate()
            ],
            "renouvellements": selectors.renouvellements_to_validate(),
            "avenants": selectors.avenants_to_decide(),
            "breadcrumbs": crumbs(("Recrutements et ruptures à valider", None)),
        },
    )


@require_POST
@_national
def valider_recrutement(request, pk):
    mer = get_object_or_404(MiseEnRelation.objects.select_related("structure", "candidature"), pk=pk)
    try:
        services.recrutement_validate(actor=request.user, mer=mer, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Recrutement de {mer.candidature} validé.")
    return redirect("recrutement:validations")


@require_POST
@_national
def valider_rupture(request, pk):
    rupture = get_object_or_404(Rupture.objects.select_related("mise_en_relation__structure"), pk=pk)
    try:
        services.rupture_validate(actor=request.user, rupture=rupture, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Rupture validée : le poste est de nouveau disponible.")
    return redirect("recrutement:validations")


@require_POST
@_national
def valider_renouvellement(request, pk):
    contrat = get_object_or_404(Contrat, pk=pk)
    try:
        services.contrat_renewal_validate(actor=request.user, contrat=contrat, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Renouvellement du contrat validé.")
    return redirect("recrutement:validations")


@require_POST
@_national
def decider_avenant(request, pk):
    avenant = get_object_or_404(AvenantPostes.objects.select_related("structure"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accepter", "refuser"):
        messages.error(request, "Choisissez d’accepter ou de refuser l’avenant.")
        return redirect("recrutement:validations")
    try:
        services.avenant_decide(actor=request.user, avenant=avenant, accept=decision == "accepter", request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Avenant de {avenant.structure.nom} {'accepté' if decision == 'accepter' else 'refusé'}."
        )
    return redirect("recrutement:validations")
