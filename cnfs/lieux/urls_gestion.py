"""Management of places (structures, prefectures, hubs, national team)."""

from django.urls import path

from cnfs.lieux import views_gestion

urlpatterns = [
    path("gestion/lieux/", views_gestion.lieu_list, name="gestion_liste"),
    path("gestion/lieux/nouveau/", views_gestion.lieu_new, name="gestion_nouveau"),
    path("gestion/lieux/import/", views_gestion.lieu_import, name="gestion_import"),
    path("gestion/lieux/<int:pk>/", views_gestion.lieu_detail, name="gestion_detail"),
    path("gestion/lieux/<int:pk>/modifier/", views_gestion.lieu_edit, name="gestion_modifier"),
]
