"""The platform's URLs plus two views that fail, to test the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import path

from cnfs.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def refuse(request):
    raise PermissionDenied("Vous n’avez pas accès à cette demande de poste.")


def refuse_silently(request):
    raise PermissionDenied


@login_not_required
def crash(request):
    raise RuntimeError("panne simulée")


urlpatterns = [
    path("test/refus/", refuse),
    path("test/refus-muet/", refuse_silently),
    path("test/panne/", crash),
    *urlpatterns,
]
