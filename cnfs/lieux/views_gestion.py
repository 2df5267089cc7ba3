"""Management of places: structures edit their own, prefectures and hubs see their départements' places, the
national team sees and edits all and imports national files. Every check runs here, on the server."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cnfs.core.errors import DomainError
from cnfs.core.permissions import is_national
from cnfs.lieux import permissions
from cnfs.lieux.enums import Label
from cnfs.lieux.exports import LABELS
from cnfs.lieux.forms import LIST_FIELDS, ImportForm, LieuForm
from cnfs.lieux.models import Lieu
from cnfs.lieux.selectors import lieux_visible_to
from cnfs.lieux.services import lieu_create, lieu_update, lieux_import

PAGE_SIZE = 50


def _require_gestion(request) -> None:
    if not permissions.can_open_gestion(request.user):
        raise PermissionDenied("Page réservée à l’équipe nationale, aux préfectures, aux hubs et aux structures.")


def _visible_lieu(request, pk: int) -> Lieu:
    """The place if the user may see it; 404 otherwise, so that places out of scope are not revealed."""
    lieu = get_object_or_404(Lieu.objects.select_related("commune", "commune__departement"), pk=pk)
    if not permissions.can_view_lieu(request.user, lieu):
        raise Http404("Lieu introuvable.")
    return lieu


def _title(user) -> str:
    return "Lieux" if not permissions.structures_of(user) or is_national(user) else "Mes lieux"


@require_http_methods(["GET"])
def lieu_list(request):
    _require_gestion(request)
    queryset = lieux_visible_to(request.user).order_by("commune__departement__code", "nom", "pk")
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(nom__icontains=q)
    label = request.GET.get("label", "")
    if label in Label.values:
        queryset = queryset.with_label(label)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lieux/gestion/liste.html",
        {
            "title": _title(request.user),
            "page": page,
            "q": q,
            "label": label,
            "labels": Label.choices,
            "can_create": permissions.can_create_lieu(request.user),
            "can_import": permissions.can_import(request.user),
        },
    )


@require_http_methods(["GET"])
def lieu_detail(request, pk: int):
    _require_gestion(request)
    lieu = _visible_lieu(request, pk)
    lists = [
        (label, [LABELS[name].get(value, value) for value in getattr(lieu, name)])
        for name, (_, label) in LIST_FIELDS.items()
    ]
    return render(
        request,
        "lieux/gestion/detail.html",
        {"lieu": lieu, "lists": lists, "can_edit": permissions.can_edit_lieu(request.user, lieu)},
    )


@require_http_methods(["GET", "POST"])
def lieu_edit(request, pk: int):
    _require_gestion(request)
    lieu = _visible_lieu(request, pk)
    if not permissions.can_edit_lieu(request.user, lieu):
        raise PermissionDenied("Seules la structure gestionnaire et l’équipe nationale modifient ce lieu.")
    form = LieuForm(request.POST or None, initial=LieuForm.initial_for(lieu))
    if request.method == "POST" and form.is_valid():
        try:
            lieu_update(actor=request.user, lieu=lieu, values=form.lieu_values(), request=request)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le lieu a été enregistré.")
            return redirect("lieux:gestion_detail", pk=lieu.pk)
    context = {"form": form, "lieu": lieu, "title": f"Modifier {lieu.nom}"}
    return render(request, "lieux/gestion/formulaire.html", context)


@require_http_methods(["GET", "POST"])
def lieu_new(request):
    _require_gestion(request)
    if not permissions.can_create_lieu(request.user):
        raise PermissionDenied("Seules les structures et l’équipe nationale ajoutent des lieux.")
    structures = permissions.structures_of(request.user)
    form = LieuForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        structure_id = "" if is_national(request.user) and not structures else structures[0]
        try:
            lieu = lieu_create(
                actor=request.user, values=form.lieu_values(), structure_id=structure_id, request=request
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le lieu a été ajouté.")
            return redirect("lieux:gestion_detail", pk=lieu.pk)
    return render(request, "lieux/gestion/formulaire.html", {"form": form, "lieu": None, "title": "Ajouter un lieu"})


@require_http_methods(["GET", "POST"])
def lieu_import(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied("L’import de fichiers de lieux est réservé à l’équipe nationale.")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            report = lieux_import(
                data=upload.read(),
                origin=upload.name,
                source=form.cleaned_data["source"] or None,
                mode=form.cleaned_data["mode"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
                request=request,
            )
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "lieux/gestion/import.html",
        {"form": form, "report": report, "error": error, "list_url": reverse("lieux:gestion_liste")},
    )
