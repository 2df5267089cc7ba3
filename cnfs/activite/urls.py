from django.urls import path

from cnfs.activite.views import beneficiaires, cra

app_name = "activite"

urlpatterns = [
    # Activity records (CRA) and beneficiaries
    path("activite/comptes-rendus/", cra.cra_list, name="cra_liste"),
    path("activite/comptes-rendus/nouveau/", cra.cra_create, name="cra_nouveau"),
    path("activite/comptes-rendus/<int:pk>/modifier/", cra.cra_edit, name="cra_modifier"),
    path("activite/comptes-rendus/<int:pk>/supprimer/", cra.cra_delete, name="cra_supprimer"),
    path("activite/beneficiaires/", beneficiaires.beneficiaires, name="beneficiaires"),
    path("activite/beneficiaires/fusion/", beneficiaires.beneficiaires_fusion, name="beneficiaires_fusion"),
]
