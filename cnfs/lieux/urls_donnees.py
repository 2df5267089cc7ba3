"""Open data of places (public)."""

from django.urls import path

from cnfs.lieux import views_donnees

urlpatterns = [
    path("donnees/lieux.csv", views_donnees.lieux_csv, name="donnees_csv"),
]
