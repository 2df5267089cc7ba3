"""Activity records (CRA) of advisors: entry form, list, edit, delete (archive). Checks run here, on the server."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cnfs.activite import permissions, selectors
from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS
from cnfs.activite.forms import AccompagnementForm
from cnfs.activite.models import Accompagnement
from cnfs.activite.services import accompagnement_create, accompagnement_delete, accompagnement_update
from cnfs.activite.validation import AccompagnementInvalide
from cnfs.core.errors import DomainError

PAGE_SIZE = 50


def _form(request, *, data=None, initial=None) -> AccompagnementForm:
    return AccompagnementForm(
        data,
        initial=initial,
        lieux=list(selectors.lieux_of_conseiller(request.user)),
        beneficiaires=list(selectors.beneficiaires_of(request.user)),
    )


def _own(request, pk: int) -> Accompagnement:
    """A live record the user may see (404 otherwise, so others' records are not revealed) and edit (403)."""
    accompagnement = get_object_or_404(Accompagnement.objects.actifs().select_related("lieu", "commune"), pk=pk)
    if not permissions.can_view_accompagnement(request.user, accompagnement):
        raise Http404("Compte rendu introuvable.")
    if not permissions.can_edit_accompagnement(request.user, accompagnement):
        raise PermissionDenied("Seul le conseiller qui a saisi ce compte rendu peut le modifier.")
    return accompagnement


def _render_form(request, form, *, accompagnement=None):
    title = "Modifier le compte rendu" if accompagnement else "Nouveau compte rendu d’activité"
    return render(
        request,
        "activite/cra/formulaire.html",
        {
            "form": form,
            "accompagnement": accompagnement,
            "title": title,
            "age_fields": [form[name] for name, _ in AGE_FIELDS],
            "statut_fields": [form[name] for name, _ in STATUT_FIELDS],
            "has_lieux": len(form.fields["lieu"].choices) > 1,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET"])
def cra_list(request):
    permissions.require_advisor(request)
    visible = permissions.visible_conseiller_ids(request.user)
    queryset = selectors.accompagnements_of(visible)
    conseiller = request.GET.get("conseiller", "")
    if conseiller.isdigit() and int(conseiller) in visible:
        queryset = queryset.filter(conseiller_id=int(conseiller))
    else:
        conseiller = ""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activite/cra/liste.html",
        {
            "page": page,
            "coordinateur": len(visible) > 1,
            "conseillers": selectors.conseillers_named(visible) if len(visible) > 1 else [],
            "conseiller": conseiller,
            "me": request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def cra_create(request):
    permissions.require_advisor(request)
    if request.method == "POST":
        form = _form(request, data=request.POST)
        if form.is_valid():
            try:
                accompagnement_create(actor=request.user, data=form.service_data())
            except AccompagnementInvalide as error:
                form.add_service_errors(error.errors)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Le compte rendu a été enregistré.")
                if "encore" in request.POST:
                    return redirect("activite:cra_nouveau")
                return redirect("activite:cra_liste")
        return _render_form(request, form)
    initial = AccompagnementForm.initial_for_new(
        today=timezone.localdate(), lieu_id=selectors.lieu_principal_id(request.user)
    )
    return _render_form(request, _form(request, initial=initial))


@require_http_methods(["GET", "POST"])
def cra_edit(request, pk: int):
    permissions.require_advisor(request)
    accompagnement = _own(request, pk)
    if request.method == "POST":
        form = _form(request, data=request.POST)
        if form.is_valid():
            try:
                accompagnement_update(
                    actor=request.user, accompagnement=accompagnement, data=form.service_data(), request=request
                )
            except AccompagnementInvalide as error:
                form.add_service_errors(error.errors)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Le compte rendu a été modifié.")
                return redirect("activite:cra_liste")
        return _render_form(request, form, accompagnement=accompagnement)
    form = _form(request, initial=AccompagnementForm.initial_for(accompagnement))
    return _render_form(request, form, accompagnement=accompagnement)


@require_http_methods(["GET", "POST"])
def cra_delete(request, pk: int):
    permissions.require_advisor(request)
    accompagnement = _own(request, pk)
    if request.method == "POST":
        try:
            accompagnement_delete(actor=request.user, accompagnement=accompagnement, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Le compte rendu a été supprimé (il reste archivé).")
        return redirect("activite:cra_liste")
    return render(request, "activite/cra/supprimer.html", {"accompagnement": accompagnement})
