"""URLs under `/pass-numerique/`: one prefix per space (commanditaire, distributeur, lieu, national)."""

from django.urls import path

from cnfs.passnum.views import commanditaire, distributeur, lieu, national

app_name = "passnum"

urlpatterns = [
    path("", national.accueil, name="accueil"),
    # Buyer
    path("commanditaire/", commanditaire.espace, name="commanditaire"),
    path("commanditaire/commandes/nouvelle/", commanditaire.commande_create, name="commande_create"),
    path("commandes/<int:pk>/", commanditaire.commande_detail, name="commande"),
    path("commandes/<int:pk>/emettre/", commanditaire.commande_emettre, name="commande_emettre"),
    path("commandes/<int:pk>/annuler/", commanditaire.commande_annuler, name="commande_annuler"),
    path("commandes/<int:pk>/attribuer/", commanditaire.carnets_attribuer, name="carnets_attribuer"),
    path("commandes/<int:pk>/carnets/annuler/", commanditaire.carnet_annuler, name="carnet_annuler"),
    path("commandes/<int:pk>/carnets.pdf", commanditaire.carnets_pdf_view, name="carnets_pdf"),
    # Distributor
    path("distributeur/", distributeur.espace, name="distributeur"),
    # Place
    path("lieu/", lieu.espace, name="lieu"),
    path("lieu/qualification/", lieu.qualification, name="qualification"),
    path("lieu/encaisser/", lieu.encaisser, name="encaisser"),
    # Reviews and national space
    path("qualifications/", national.qualifications, name="qualifications"),
    path("qualifications/<int:pk>/", national.qualification_detail, name="qualification_detail"),
    path("national/", national.espace, name="national"),
]

# Money pages (statements, payment batches, credit notes, dashboards): `urls_paiements`.
from cnfs.passnum.urls_paiements import urlpatterns as _paiements  # noqa: E402

urlpatterns += _paiements
