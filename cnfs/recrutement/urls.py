from django.urls import path

from cnfs.recrutement.views import candidat, comite, contrats, demandes, hub, inscription, prefecture, structure

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
    # --- Sign-up, request follow-up, contracts, messages, hub (recru-pages) ---
    path("inscription/structure/", inscription.structure, name="inscription_structure"),
    path("devenir-conseiller-numerique/", inscription.candidat, name="inscription_candidat"),
    path("inscription/envoyee/", inscription.envoyee, name="inscription_envoyee"),
    path("inscription/nouveau-lien/", inscription.renvoyer, name="inscription_renvoyer"),
    path("inscription/confirmer/<uidb64>/<token>/", inscription.confirmer, name="inscription_confirmer"),
    path("recrutement/demandes/<int:pk>/brouillon/", demandes.demande_edit, name="demande_edit"),
    path("recrutement/demandes/<int:pk>/cloturer/", demandes.demande_close, name="demande_close"),
    path("recrutement/structures/<int:pk>/avenant/", demandes.avenant, name="avenant"),
    path("recrutement/recrutements/<int:pk>/", contrats.recrutement, name="recrutement"),
    path("recrutement/recrutements/<int:pk>/renouvellement/", contrats.renouvellement, name="renouvellement"),
    path("recrutement/recrutements/<int:pk>/message/", contrats.message, name="message"),
    path("recrutement/ruptures/<int:pk>/justificatif/", contrats.justificatif, name="justificatif"),
    path(
        "recrutement/comite/validations/renouvellements/<int:pk>/",
        comite.valider_renouvellement,
        name="valider_renouvellement",
    ),
    path("recrutement/comite/validations/avenants/<int:pk>/", comite.decider_avenant, name="decider_avenant"),
    path("recrutement/candidature/structures/", candidat.structures, name="candidature_structures"),
    path("recrutement/candidature/messages/", candidat.boite, name="candidature_messages"),
    path("recrutement/hub/", hub.territoire, name="hub_territoire"),
]

# --- Files (imports, exports), global suggestion -----------------------------------------------------------------
from cnfs.recrutement.views import exports as exports_views  # noqa: E402
from cnfs.recrutement.views import imports as imports_views  # noqa: E402
from cnfs.recrutement.views import suggestion as suggestion_views  # noqa: E402

urlpatterns += [
    path("recrutement/imports/pix/", imports_views.upload, {"kind": "pix"}, name="import_pix"),
    path("recrutement/imports/zones/", imports_views.upload, {"kind": "zones"}, name="import_zones"),
    path("recrutement/exports/", exports_views.index, name="export_index"),
    path("recrutement/exports/<slug:slug>/", exports_views.table, name="export_table"),
    path("recrutement/exports/<slug:slug>.csv", exports_views.download, {"fmt": "csv"}, name="export_csv"),
    path("recrutement/exports/<slug:slug>.xlsx", exports_views.download, {"fmt": "xlsx"}, name="export_xlsx"),
    path("recrutement/suggestion/", suggestion_views.page, name="suggestion"),
    path(
        "recrutement/suggestion/structures/<int:structure_pk>/candidats/<int:candidature_pk>/proposer/",
        suggestion_views.propose,
        name="suggestion_propose",
    ),
]
