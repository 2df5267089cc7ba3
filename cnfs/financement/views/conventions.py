"""Conventions: the national list and drafting, the convention page, signature, schedule and payments."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.financement import permissions, selectors, services
from cnfs.financement.forms import (
    ConventionFilterForm,
    ConventionForm,
    DateActionForm,
    EcheancierForm,
    attach_error,
)
from cnfs.financement.models import Convention, Versement
from cnfs.financement.views._helpers import crumbs, paginate, require
from cnfs.recrutement import permissions as recrutement_permissions
from cnfs.recrutement.models import Structure


def _list_crumb():
    return ("Conventions", reverse("financement:conventions"))


def _visible_convention_or_404(request, pk) -> Convention:
    try:
        convention = selectors.convention_detail(pk)
    except Convention.DoesNotExist:
        raise Http404("Convention introuvable.") from None
    if not permissions.can_view_convention(request.user, convention):
        raise Http404("Convention introuvable.")
    return convention


@role_required(Role.PREFECTURE, Role.HUB)
def liste(request):
    form = ConventionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    conventions = selectors.conventions_for(
        request.user, departement=filters.get("departement") or None, statut=filters.get("statut") or None
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "financement/conventions.html",
        {
            "form": form,
            "page": paginate(request, conventions),
            "query": query.urlencode(),
            "can_manage": permissions.can_manage_budget(request.user),
            "structures": (
                Structure.objects.filter(postes_accordes__gt=0).order_by("nom")[:500]
                if permissions.can_manage_budget(request.user)
                else []
            ),
            "breadcrumbs": crumbs(("Conventions", None)),
        },
    )


def creer(request, structure_pk):
    require(permissions.can_manage_budget(request.user))
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=structure_pk)
    form = ConventionForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        try:
            convention = services.convention_create(
                actor=request.user, structure=structure, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "La convention est établie : la structure peut la signer.")
            return redirect(convention.get_absolute_url())
    return render(
        request,
        "financement/convention_form.html",
        {
            "structure": structure,
            "form": form,
            "titre": f"Nouvelle convention pour {structure.nom}",
            "submit": "Établir la convention",
            "breadcrumbs": crumbs(_list_crumb(), ("Nouvelle convention", None)),
        },
    )


def reconduire(request, pk):
    require(permissions.can_manage_budget(request.user))
    convention = _visible_convention_or_404(request, pk)
    form = ConventionForm(
        request.POST or None,
        structure=convention.structure,
        initial={
            "nombre_postes": convention.nombre_postes,
            "bareme": convention.bareme_id,
            "date_debut": convention.date_fin,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.reconventionnement_initiate(
                actor=request.user, convention=convention, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(
                request, "Le reconventionnement est initié : la structure peut signer la nouvelle convention."
            )
            return redirect(successor.get_absolute_url())
    return render(
        request,
        "financement/convention_form.html",
        {
            "structure": convention.structure,
            "form": form,
            "titre": f"Reconventionnement de la convention n° {convention.pk}",
            "submit": "Initier le reconventionnement",
            "breadcrumbs": crumbs(
                _list_crumb(), (f"Convention n° {convention.pk}", convention.get_absolute_url()), ("Reconduire", None)
            ),
        },
    )


def detail(request, pk):
    convention = _visible_convention_or_404(request, pk)
    can_manage = permissions.can_manage_budget(request.user)
    can_sign = permissions.can_sign_convention(request.user, convention)
    crumb = (
        _list_crumb()
        if permissions.can_view_territoire(request.user)
        else (
            "Ma convention",
            reverse("financement:structure_espace"),
        )
    )
    return render(
        request,
        "financement/convention_detail.html",
        {
            "convention": convention,
            "versements": list(convention.versements.all()),
            "liberations": list(convention.liberations.all()),
            "can_manage": can_manage,
            "can_sign": can_sign and convention.statut == "en_cours",
            "echeancier_form": EcheancierForm() if can_manage else None,
            "date_form": DateActionForm() if can_manage else None,
            "breadcrumbs": crumbs(crumb, (f"Convention n° {convention.pk}", None)),
        },
    )


@require_POST
def signer(request, pk):
    convention = _visible_convention_or_404(request, pk)
    if not permissions.can_sign_convention(request.user, convention):
        raise Http404("Convention introuvable.")
    action = request.POST.get("action")
    try:
        if action == "signer":
            services.convention_sign(actor=request.user, convention=convention, request=request)
            messages.success(request, "La convention est signée : la subvention est engagée et l’échéancier établi.")
        elif action == "decliner":
            services.convention_decline(actor=request.user, convention=convention, request=request)
            messages.success(request, "La structure n’est pas intéressée : la convention est close sans engagement.")
        else:
            messages.error(request, "Action inconnue.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(convention.get_absolute_url())


@require_POST
def echeancier(request, pk):
    require(permissions.can_manage_budget(request.user))
    convention = _visible_convention_or_404(request, pk)
    form = EcheancierForm(request.POST)
    if form.is_valid():
        try:
            services.versements_plan(
                actor=request.user, convention=convention, echeances=form.cleaned_data["echeances"], request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "L’échéancier est remplacé.")
    else:
        messages.error(request, " ".join(form.errors["echeances"]))
    return redirect(convention.get_absolute_url())


@require_POST
def versement_action(request, pk, action):
    require(permissions.can_manage_budget(request.user))
    versement = get_object_or_404(Versement, pk=pk)
    form = DateActionForm(request.POST)
    day = form.cleaned_data.get("date") if form.is_valid() else None
    service = {"mandater": services.versement_mandate, "payer": services.versement_pay}.get(action)
    if service is None:
        raise Http404("Action inconnue.")
    try:
        service(actor=request.user, versement=versement, date=day, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Échéance {versement.numero} : {'mandatée' if action == 'mandater' else 'payée'}.")
    return redirect("financement:convention_detail", pk=versement.convention_id)


@role_required(Role.STRUCTURE)
def structure_espace(request):
    """The structure's own conventions and the equipment grants of its places."""
    ids = recrutement_permissions.managed_structure_ids(request.user)
    return render(
        request,
        "financement/structure_espace.html",
        {
            "conventions": selectors.conventions_of_structures(ids),
            "demandes": selectors.demandes_mobilier_for(request.user),
            "peut_demander": selectors.lieux_for_request(request.user).exists(),
            "breadcrumbs": crumbs(("Ma convention et mes versements", None)),
        },
    )
