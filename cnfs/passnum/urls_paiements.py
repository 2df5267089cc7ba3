"""URLs of the money pages, appended to `passnum.urls` (same namespace)."""

from django.urls import path

from cnfs.passnum.views import paiements

urlpatterns = [
    path("commanditaire/tableau-de-bord/", paiements.tableau, name="tableau"),
    path("commanditaire/avoirs/", paiements.avoirs, name="avoirs"),
    path("lieu/releves/", paiements.releves, name="releves"),
    path("national/lots/", paiements.lots, name="lots"),
    path("national/lots/preparer/", paiements.lot_preparer, name="lot_preparer"),
    path("national/lots/<int:pk>/", paiements.lot_detail, name="lot"),
    path(
        "national/lots/<int:pk>/transmettre/", paiements.lot_action, {"action": "transmettre"}, name="lot_transmettre"
    ),
    path("national/lots/<int:pk>/payer/", paiements.lot_action, {"action": "payer"}, name="lot_payer"),
    path("national/lots/<int:pk>/pain001.xml", paiements.lot_fichier, {"fmt": "xml"}, name="lot_xml"),
    path("national/lots/<int:pk>/virements.csv", paiements.lot_fichier, {"fmt": "csv"}, name="lot_csv"),
    path("national/cofinancement/", paiements.cofinancement, name="cofinancement"),
]
