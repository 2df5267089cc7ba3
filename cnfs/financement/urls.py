from django.urls import path

from cnfs.financement.views import budget, conventions, exports, mobilier

app_name = "financement"

urlpatterns = [
    # National budget board and envelopes
    path("financement/", budget.tableau_de_bord, name="tableau_de_bord"),
    path("financement/enveloppes/<int:pk>/modifier/", budget.enveloppe_modifier, name="enveloppe_modifier"),
    path("financement/territoire/", budget.territoire, name="territoire"),
    # Conventions and payments
    path("financement/conventions/", conventions.liste, name="conventions"),
    path(
        "financement/structures/<int:structure_pk>/conventions/nouvelle/", conventions.creer, name="convention_creer"
    ),
    path("financement/conventions/<int:pk>/", conventions.detail, name="convention_detail"),
    path("financement/conventions/<int:pk>/signature/", conventions.signer, name="convention_signer"),
    path("financement/conventions/<int:pk>/reconduire/", conventions.reconduire, name="convention_reconduire"),
    path("financement/conventions/<int:pk>/echeancier/", conventions.echeancier, name="convention_echeancier"),
    path("financement/versements/<int:pk>/<slug:action>/", conventions.versement_action, name="versement_action"),
    path("financement/structure/", conventions.structure_espace, name="structure_espace"),
    # Exports
    path("financement/export/<slug:table>.<slug:fmt>", exports.export, name="export"),
    # Equipment grants
    path("financement/mobilier/", mobilier.catalogue, name="mobilier_catalogue"),
    path("financement/mobilier/modeles/<int:pk>/plans/", mobilier.plans, name="mobilier_plans"),
    path("financement/mobilier/demandes/", mobilier.demandes, name="mobilier_demandes"),
    path("financement/mobilier/demandes/nouvelle/", mobilier.demande_creer, name="mobilier_demande_creer"),
    path("financement/mobilier/demandes/<int:pk>/", mobilier.demande, name="mobilier_demande"),
    path("financement/mobilier/demandes/<int:pk>/versement/", mobilier.demande_verser, name="mobilier_verser"),
    path("financement/mobilier/demandes/<int:pk>/devis/", mobilier.devis, name="mobilier_devis"),
]
