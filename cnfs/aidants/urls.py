from django.urls import path

from cnfs.aidants.views import aidant, anct, cartes, franceconnect, public, recheck, responsable, revocation

app_name = "aidants"

urlpatterns = [
    # Public
    path("aidants-connect/habilitation/", public.demande_create, name="demande_create"),
    path("aidants-connect/habilitation/envoyee/", public.demande_envoyee, name="demande_envoyee"),
    path("aidants-connect/habilitation/confirmer/<str:token>/", public.demande_confirmer, name="demande_confirmer"),
    # National team
    path("aidants-connect/instruction/", anct.demandes, name="anct_demandes"),
    path("aidants-connect/instruction/demandes/<int:pk>/", anct.demande_detail, name="anct_demande"),
    path("aidants-connect/instruction/aidants/<int:pk>/habiliter/", anct.aidant_habiliter, name="anct_habiliter"),
    # Responsable
    path("aidants-connect/responsable/", responsable.espace, name="responsable_espace"),
    path("aidants-connect/organisations/<int:pk>/", responsable.organisation, name="organisation"),
    path(
        "aidants-connect/organisations/<int:pk>/aidants/<int:aidant_pk>/formation/",
        responsable.formation,
        name="formation",
    ),
    # Aidant
    path("aidants-connect/usagers/", aidant.espace, name="aidant_espace"),
    path("aidants-connect/mandats/nouveau/", aidant.mandat_create, name="mandat_create"),
    path("aidants-connect/mandats/<int:pk>/", aidant.mandat_detail, name="mandat"),
    path("aidants-connect/mandats/<int:pk>/renouveler/", aidant.mandat_renew, name="mandat_renew"),
    path("aidants-connect/mandats/<int:pk>/revoquer/", aidant.mandat_revoke, name="mandat_revoke"),
    path("aidants-connect/mandats/<int:pk>/attestation/", aidant.attestation, name="attestation"),
    path("aidants-connect/mandats/<int:pk>/attestation.pdf", aidant.attestation_pdf, name="attestation_pdf"),
    path("aidants-connect/autorisations/<int:pk>/revoquer/", aidant.autorisation_revoke, name="autorisation_revoke"),
    path("aidants-connect/journal/", aidant.journal, name="aidant_journal"),
    # Aidant: the usager's FranceConnect identity at mandate creation
    path("aidants-connect/franceconnect/", franceconnect.connexion, name="franceconnect"),
    path("aidants-connect/franceconnect/autorisation/", franceconnect.authorize, name="franceconnect_authorize"),
    path("aidants-connect/franceconnect/retour/", franceconnect.callback, name="franceconnect_callback"),
    path("aidants-connect/franceconnect/deconnecte/", franceconnect.logged_out, name="franceconnect_logged_out"),
    path("aidants-connect/franceconnect/recapitulatif/", franceconnect.recap, name="franceconnect_recap"),
    # ac-life: TOTP devices, re-check, revocation attestation
    path("aidants-connect/instruction/cartes/", cartes.cartes, name="anct_cartes"),
    path("aidants-connect/verification/", recheck.reverifier, name="totp_reverifier"),
    path("aidants-connect/mandats/<int:pk>/revocation.pdf", revocation.revocation_pdf_view, name="revocation_pdf"),
    path(
        "aidants-connect/organisations/<int:pk>/aidants/<int:aidant_pk>/authentification/",
        cartes.dispositifs,
        name="dispositifs",
    ),
    path(
        "aidants-connect/organisations/<int:pk>/aidants/<int:aidant_pk>/authentification/application/",
        cartes.application,
        name="dispositif_application",
    ),
    path(
        "aidants-connect/organisations/<int:pk>/aidants/<int:aidant_pk>/authentification/<int:device_pk>/retirer/",
        cartes.dispositif_retirer,
        name="dispositif_retirer",
    ),
]
