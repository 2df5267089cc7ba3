from django.urls import path, re_path

from cnfs.formation.views import conseiller, organisme, pilotage

app_name = "formation"

urlpatterns = [
    # Training organisation space
    path("formation/organisme/", organisme.espace, name="organisme_espace"),
    path("formation/organismes/<int:pk>/", organisme.detail, name="organisme_detail"),
    re_path(
        r"^formation/organismes/(?P<pk>[0-9]+)/stagiaires\.(?P<fmt>csv|xlsx)$",
        organisme.detail_export,
        name="organisme_export",
    ),
    path("formation/organismes/<int:pk>/sessions/nouvelle/", organisme.session_create, name="session_create"),
    path("formation/organismes/<int:pk>/inscrire/", organisme.inscrire, name="inscrire"),
    path("formation/organismes/<int:pk>/certification/", organisme.certification, name="certification"),
    path("formation/organismes/<int:pk>/import/", organisme.importer, name="import"),
    path("formation/sessions/<int:pk>/", organisme.session, name="session"),
    path("formation/inscriptions/<int:pk>/", organisme.resultat, name="resultat"),
    path("formation/stagiaires/<int:pk>/", conseiller.stagiaire, name="stagiaire"),
    # National overview
    path("formation/pilotage/", pilotage.pilotage, name="pilotage"),
    re_path(r"^formation/pilotage/entonnoir\.(?P<fmt>csv|xlsx)$", pilotage.pilotage_export, name="pilotage_export"),
    path("formation/vae/<int:pk>/decision/", pilotage.vae_decision, name="vae_decision"),
    # Advisor's own record
    path("formation/mon-parcours/", conseiller.mon_parcours, name="mon_parcours"),
]
