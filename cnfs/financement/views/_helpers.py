from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404

from cnfs.recrutement.views._helpers import crumbs

PAGE_SIZE = 50

__all__ = ["PAGE_SIZE", "crumbs", "paginate", "pdf_download", "require"]


def require(allowed: bool, message: str = "Vous n’avez pas accès à cette page.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def pdf_download(fieldfile, filename: str) -> FileResponse:
    """A private PDF as an attachment, never cached by the browser or a proxy."""
    if not fieldfile:
        raise Http404("Document introuvable.")
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404("Document introuvable.") from None
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
