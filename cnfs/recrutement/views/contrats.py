"""Structure space, one recruitment: its contracts and renewal request, its departure and supporting document."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement import permissions, services
from cnfs.recrutement.enums import StatutContrat, StatutMiseEnRelation, StatutRupture
from cnfs.recrutement.forms import JustificatifForm, MessageForm, RenouvellementForm, attach_error
from cnfs.recrutement.models import MiseEnRelation, Rupture
from cnfs.recrutement.services.messages import STATUTS_MESSAGE
from cnfs.recrutement.views._helpers import crumbs


def _mer_or_404(request, pk) -> MiseEnRelation:
    mer = get_object_or_404(
        MiseEnRelation.objects.select_related("structure__commune__departement", "candidature__commune"), pk=pk
    )
    if not permissions.can_manage_structure(request.user, mer.structure):
        raise Http404("Recrutement introuvable.")
    return mer


def _renewable(mer, contrats) -> object | None:
    """The validated fixed-term contract in force last, if it may be renewed now (no renewal pending)."""
    if mer.statut != StatutMiseEnRelation.FINALISEE:
        return None
    validated = [c for c in contrats if c.statut == StatutContrat.VALIDE]
    if not validated:
        return None
    current = max(validated, key=lambda c: (c.date_debut, c.pk))
    pending = any(c.renouvellement_de_id == current.pk for c in contrats)
    return current if current.date_fin is not None and not pending else None


def _page(request, mer, *, renewal_form=None, message_form=None, status=200):
    contrats = list(mer.contrats.select_related("renouvellement_de"))
    ruptures = list(mer.ruptures.all())
    national = permissions.can_run_comite(request.user)
    renewable = _renewable(mer, contrats)
    return render(
        request,
        "recrutement/structure/recrutement.html",
        {
            "mer": mer,
            "candidature": mer.candidature,
            "contrats": contrats,
            "ruptures": [
                {
                    "rupture": r,
                    "editable": national or r.statut == StatutRupture.SIGNALEE,
                    "form": JustificatifForm(
                        initial={"justificatif": r.justificatif}, national=national, prefix=f"r{r.pk}"
                    ),
                }
                for r in ruptures
            ],
            "renewable": renewable,
            "renewal_form": renewal_form or RenouvellementForm(),
            "message_form": message_form or MessageForm(),
            "can_write": mer.statut in STATUTS_MESSAGE,
            "messages_envoyes": mer.messages.select_related("auteur"),
            "breadcrumbs": crumbs(
                (mer.structure.nom, mer.structure.get_absolute_url()),
                (f"{mer.candidature.prenom} {mer.candidature.nom}", None),
            ),
        },
        status=status,
    )


@role_required(Role.STRUCTURE)
def recrutement(request, pk):
    return _page(request, _mer_or_404(request, pk))


@require_POST
@role_required(Role.STRUCTURE)
def renouvellement(request, pk):
    mer = _mer_or_404(request, pk)
    form = RenouvellementForm(request.POST)
    renewable = _renewable(mer, list(mer.contrats.all()))
    if renewable is None:
        messages.error(request, "Aucun contrat de ce recrutement ne peut être renouvelé pour le moment.")
        return redirect("recrutement:recrutement", pk=mer.pk)
    if form.is_valid():
        try:
            services.contrat_renewal_request(
                actor=request.user, contrat=renewable, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Demande de renouvellement enregistrée : l’équipe nationale va la valider.")
            return redirect("recrutement:recrutement", pk=mer.pk)
    return _page(request, mer, renewal_form=form, status=200)


@require_POST
@role_required(Role.STRUCTURE)
def justificatif(request, pk):
    rupture = get_object_or_404(Rupture.objects.select_related("mise_en_relation__structure"), pk=pk)
    mer = rupture.mise_en_relation
    if not permissions.can_manage_structure(request.user, mer.structure):
        raise Http404("Rupture introuvable.")
    form = JustificatifForm(request.POST, national=True, prefix=f"r{rupture.pk}")
    if not form.is_valid():
        messages.error(request, "Choisissez l’état de la pièce justificative dans la liste.")
    else:
        try:
            services.rupture_justificatif_set(
                actor=request.user, rupture=rupture, justificatif=form.cleaned_data["justificatif"], request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "État de la pièce justificative enregistré.")
    target = request.POST.get("retour")
    if target == "validations" and permissions.can_run_comite(request.user):
        return redirect("recrutement:validations")
    return redirect("recrutement:recrutement", pk=mer.pk)


@require_POST
@role_required(Role.STRUCTURE)
def message(request, pk):
    mer = _mer_or_404(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(actor=request.user, mer=mer, corps=form.cleaned_data["corps"], request=request)
        except DomainError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)  # the form is not shown to a person not kept
                return redirect("recrutement:recrutement", pk=mer.pk)
            attach_error(form, error)
        else:
            messages.success(request, "Message envoyé : la personne est prévenue par courriel.")
            return redirect("recrutement:recrutement", pk=mer.pk)
    return _page(request, mer, message_form=form, status=200)
