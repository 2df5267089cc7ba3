from django.urls import path

from cnfs.recrutement.views import candidat, comite, prefecture, structure

app_name = "recrutement"

urlpatterns = [
    # Structure space
    path("recrutement/structure/", structure.espace, name="structure_espace"),
    path("recrutement/structures/<int:pk>/", structure.detail, name="structure_detail"),
    path("recrutement/structures/<int:pk>/demandes/nouvelle/", structure.demande_create, name="demande_create"),
    path("recrutement/structures/<int:pk>/candidats/", structure.candidats, name="structure_candidats"),
    path(
        "recrutement/structures/<int:pk>/candidats/<int:candidature_pk>/preselection/",
        structure.preselect,
        name="preselect",
    ),
    path("recrutement/mises-en-relation/<int:pk>/recruter/", structure.recruter, name="recruter"),
    path("recrutement/mises-en-relation/<int:pk>/rupture/", structure.rupture, name="rupture"),
    path("recrutement/mises-en-relation/<int:pk>/<slug:action>/", structure.mer_action, name="mer_action"),
    path("recrutement/candidatures/<int:pk>/cv/", structure.cv, name="cv"),
    # Prefecture space
    path("recrutement/prefecture/demandes/", prefecture.demandes, name="prefecture_demandes"),
    path("recrutement/prefecture/demandes/<int:pk>/avis/", prefecture.avis, name="prefecture_avis"),
    # National committee space
    path("recrutement/comite/", comite.index, name="comite_index"),
    path("recrutement/comite/sessions/<int:numero>/", comite.session, name="comite_session"),
    path("recrutement/comite/sessions/<int:numero>/demandes/<int:pk>/", comite.decision, name="comite_decision"),
    path("recrutement/comite/validations/", comite.validations, name="validations"),
    path(
        "recrutement/comite/validations/recrutements/<int:pk>/",
        comite.valider_recrutement,
        name="valider_recrutement",
    ),
    path("recrutement/comite/validations/ruptures/<int:pk>/", comite.valider_rupture, name="valider_rupture"),
    # Candidate space
    path("recrutement/candidature/", candidat.profil, name="candidature_profil"),
]
