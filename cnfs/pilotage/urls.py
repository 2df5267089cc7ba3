from django.urls import path

from cnfs.pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("pilotage/", views.tableau_de_bord, name="tableau_de_bord"),
    path("pilotage/export.csv", views.export_csv, name="export_csv"),
    path("pilotage/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("pilotage/rapport.pdf", views.rapport_pdf, name="rapport_pdf"),
    path("statistiques/", views.statistiques, name="statistiques"),
]
