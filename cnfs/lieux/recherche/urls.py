from django.urls import path

from cnfs.lieux.recherche import views

urlpatterns = [
    path("trouver-un-lieu/", views.recherche, name="recherche"),
    path("trouver-un-lieu/<int:pk>/", views.lieu, name="recherche_lieu"),
]
