from django.urls import path, re_path

from cnfs.lieux.maillage import views

DEPARTEMENT = r"^maillage/(?P<code>[0-9][0-9AB][0-9]?)/"

urlpatterns = [
    path("maillage/", views.territoire, name="maillage"),
    path("maillage/communes.csv", views.communes_csv, name="maillage_communes_csv"),
    path("maillage/indicateurs.csv", views.indicateurs_csv, name="maillage_indicateurs_csv"),
    path("maillage/implantations.csv", views.implantations_csv, name="maillage_implantations_csv"),
    re_path(DEPARTEMENT + r"$", views.territoire, name="maillage_departement"),
    re_path(DEPARTEMENT + r"communes\.csv$", views.communes_csv, name="maillage_departement_communes_csv"),
    re_path(DEPARTEMENT + r"indicateurs\.csv$", views.indicateurs_csv, name="maillage_departement_indicateurs_csv"),
    re_path(
        DEPARTEMENT + r"implantations\.csv$", views.implantations_csv, name="maillage_departement_implantations_csv"
    ),
]
