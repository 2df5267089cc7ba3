"""Structure space: the organisation's requests, candidates near it, its recruitments and departures."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement import permissions, selectors, services
from cnfs.recrutement.forms import CandidateSearchForm, DemandeForm, RecrutementForm, RuptureForm, attach_error
from cnfs.recrutement.models import Candidature, MiseEnRelation
from cnfs.recrutement.views._helpers import crumbs, managed_structure_or_404, visible_structure_or_404

MATCH_PAGE_SIZE = 20
DEMANDE_DONE = {
    True: "Votre demande de postes est déposée : la préfecture va l’examiner.",
    False: "Votre brouillon est enregistré : vous pourrez le compléter puis le déposer.",
}


@role_required(Role.STRUCTURE)
def espace(request):
    structures = list(selectors.managed_structures(request.user))
    if len(structures) == 1:
        return redirect("recrutement:structure_detail", pk=structures[0].pk)
    return render(
        request,
        "recrutement/structure/espace.html",
        {"structures": structures, "breadcrumbs": crumbs(("Mes structures", None))},
    )


@role_required(Role.STRUCTURE, Role.PREFECTURE, Role.HUB)
def detail(request, pk):
    structure = visible_structure_or_404(request, pk)
    return render(
        request,
        "recrutement/structure/detail.html",
        {
            "structure": structure,
            "can_manage": permissions.can_manage_structure(request.user, structure),
            "demandes": selectors.demandes_of_structure(structure),
            "recrutements": selectors.recrutements_of_structure(structure),
            "avenants": structure.avenants.all(),
            "is_national": permissions.can_run_comite(request.user),
            "breadcrumbs": crumbs((structure.nom, None)),
        },
    )


@role_required(Role.STRUCTURE)
def demande_create(request, pk):
    structure = managed_structure_or_404(request, pk)
    form = DemandeForm(request.POST or None)
    deposer = request.POST.get("action") != "brouillon"
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_create(
                actor=request.user, structure=structure, deposer=deposer, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, DEMANDE_DONE[deposer])
            return redirect(structure.get_absolute_url())
    return render(
        request,
        "recrutement/structure/demande_form.html",
        {
            "structure": structure,
            "form": form,
            "breadcrumbs": crumbs((structure.nom, structure.get_absolute_url()), ("Nouvelle demande", None)),
        },
    )


@role_required(Role.STRUCTURE)
def candidats(request, pk):
    structure = managed_structure_or_404(request, pk)
    form = CandidateSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page_number = filters.get("page") or 1
    demande = structure.demandes.filter(statut="validee").order_by("-date_debut_souhaitee").first()
    start = demande.date_debut_souhaitee if demande else None
    page = selectors.candidates_near(
        structure,
        start=start,
        pix_min=filters.get("pix_min"),
        diplome=filters.get("diplome"),
        with_cv=filters.get("cv"),
        limit=MATCH_PAGE_SIZE,
        offset=(page_number - 1) * MATCH_PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recrutement/structure/candidats.html",
        {
            "structure": structure,
            "form": form,
            "page": page,
            "start": start,
            "page_number": page_number,
            "has_next": page_number * MATCH_PAGE_SIZE < page.total,
            "query": query.urlencode(),
            "breadcrumbs": crumbs((structure.nom, structure.get_absolute_url()), ("Candidats à proximité", None)),
        },
    )


@require_POST
@role_required(Role.STRUCTURE)
def preselect(request, pk, candidature_pk):
    structure = managed_structure_or_404(request, pk)
    candidature = get_object_or_404(Candidature, pk=candidature_pk)
    try:
        services.mise_en_relation_preselect(
            actor=request.user, structure=structure, candidature=candidature, request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{candidature} est pré-sélectionné·e : contactez cette personne pour un entretien.")
    return redirect("recrutement:structure_candidats", pk=structure.pk)


def _mer_for_manager(request, pk) -> MiseEnRelation:
    mer = get_object_or_404(
        MiseEnRelation.objects.select_related("structure__commune__departement", "candidature__commune"), pk=pk
    )
    if not permissions.can_manage_structure(request.user, mer.structure):
        raise Http404("Mise en relation introuvable.")
    return mer


@role_required(Role.STRUCTURE)
def recruter(request, pk):
    mer = _mer_for_manager(request, pk)
    form = RecrutementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recrutement_record(actor=request.user, mer=mer, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Recrutement enregistré : l’équipe nationale va le valider.")
            return redirect(mer.structure.get_absolute_url())
    return render(
        request,
        "recrutement/structure/recruter.html",
        {
            "mer": mer,
            "form": form,
            "breadcrumbs": crumbs((mer.structure.nom, mer.structure.get_absolute_url()), ("Recruter", None)),
        },
    )


ACTIONS = {
    "non_retenue": (services.mise_en_relation_reject, "Candidature non retenue."),
    "annuler": (services.recrutement_cancel, "Recrutement annulé : le poste est de nouveau disponible."),
}


@require_POST
@role_required(Role.STRUCTURE)
def mer_action(request, pk, action):
    mer = _mer_for_manager(request, pk)
    if action not in ACTIONS:
        raise Http404("Action inconnue.")
    service, done = ACTIONS[action]
    try:
        service(actor=request.user, mer=mer, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(mer.structure.get_absolute_url())


@role_required(Role.STRUCTURE)
def rupture(request, pk):
    mer = _mer_for_manager(request, pk)
    form = RuptureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rupture_declare(actor=request.user, mer=mer, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Rupture déclarée : l’équipe nationale va la valider.")
            return redirect(mer.structure.get_absolute_url())
    return render(
        request,
        "recrutement/structure/rupture.html",
        {
            "mer": mer,
            "form": form,
            "breadcrumbs": crumbs(
                (mer.structure.nom, mer.structure.get_absolute_url()), ("Déclarer une rupture", None)
            ),
        },
    )


def cv(request, pk):
    """The CV of a candidature, to its owner, the national team and structures in relation with the candidate."""
    candidature = get_object_or_404(Candidature, pk=pk)
    if not candidature.cv or not permissions.can_view_candidature(request.user, candidature):
        raise Http404("CV introuvable.")
    try:
        handle = candidature.cv.open("rb")
    except FileNotFoundError:
        raise Http404("CV introuvable.") from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"CV {candidature.prenom} {candidature.nom}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
