"""Named follow-ups of beneficiaries (with consent) and the merge of duplicates."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cnfs.activite import permissions, selectors
from cnfs.activite.forms import BeneficiaireForm, FusionForm
from cnfs.activite.services import CONSENTEMENT_VERSION, beneficiaire_create, beneficiaires_merge
from cnfs.core.errors import DomainError


@require_http_methods(["GET", "POST"])
def beneficiaires(request):
    permissions.require_advisor(request)
    items = list(selectors.beneficiaires_of(request.user))
    form = BeneficiaireForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                beneficiaire_create(actor=request.user, **form.cleaned_data, request=request)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Le suivi a été ouvert.")
                return redirect("activite:beneficiaires")
        status = 400
    return render(
        request,
        "activite/beneficiaires/liste.html",
        {
            "beneficiaires": items,
            "form": form,
            "fusion": FusionForm(beneficiaires=items) if len(items) > 1 else None,
            "version": CONSENTEMENT_VERSION,
        },
        status=status,
    )


@require_http_methods(["POST"])
def beneficiaires_fusion(request):
    permissions.require_advisor(request)
    items = list(selectors.beneficiaires_of(request.user))
    form = FusionForm(request.POST, beneficiaires=items)
    if form.is_valid():
        by_pk = {b.pk: b for b in items}
        try:
            keep = beneficiaires_merge(
                actor=request.user,
                keep=by_pk[form.cleaned_data["conserve"]],
                duplicate=by_pk[form.cleaned_data["doublon"]],
                request=request,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Les deux suivis ont été fusionnés en « {keep} ».")
    else:
        messages.error(request, "Choisissez deux bénéficiaires parmi vos suivis.")
    return redirect("activite:beneficiaires")
