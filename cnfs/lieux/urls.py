"""URLs of the places app, one sub-module per user area so that each area evolves on its own."""

from django.urls import include, path

app_name = "lieux"

urlpatterns = [
    path("", include("cnfs.lieux.recherche.urls")),
    path("", include("cnfs.lieux.urls_gestion")),
    path("", include("cnfs.lieux.urls_donnees")),
    path("", include("cnfs.lieux.maillage.urls")),
]
