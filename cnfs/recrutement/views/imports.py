"""Upload pages of the national team: Pix results of candidates, priority-zone flags of structures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cnfs.core.errors import DomainError
from cnfs.recrutement import permissions
from cnfs.recrutement.forms_donnees import ImportForm
from cnfs.recrutement.services.imports import pix_import, zones_import
from cnfs.recrutement.views._helpers import crumbs

KINDS = {
    "pix": {
        "title": "Importer des résultats Pix",
        "service": pix_import,
        "template": "recrutement/imports/pix_aide.html",
    },
    "zones": {
        "title": "Importer les zones prioritaires",
        "service": zones_import,
        "template": "recrutement/imports/zones_aide.html",
    },
}


@require_http_methods(["GET", "POST"])
def upload(request, kind):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("Import inconnu.")
    if not permissions.can_import_files(request.user):
        raise PermissionDenied("Les imports de fichiers du recrutement sont réservés à l’équipe nationale.")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["fichier"]
        try:
            report = spec["service"](
                data=upload_file.read(),
                origin=upload_file.name,
                mode=form.cleaned_data["mode"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
                request=request,
            )
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "recrutement/imports/upload.html",
        {
            "form": form,
            "report": report,
            "error": error,
            "title": spec["title"],
            "help_template": spec["template"],
            "breadcrumbs": crumbs((spec["title"], None)),
        },
    )
