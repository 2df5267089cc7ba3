"""URLs of ateliers, permanences and appointments; included by `cnfs.activite.urls` (namespace `activite`)."""

from django.urls import path

from cnfs.activite.ateliers.views import conseiller, public

urlpatterns = [
    # Public pages (no account)
    path("ateliers/", public.ateliers, name="ateliers_publics"),
    path("ateliers/<int:pk>/", public.atelier, name="atelier_public"),
    path("ateliers/inscription/<str:token>/", public.reservation, name="reservation"),
    path("ateliers/inscription/<str:token>/agenda.ics", public.reservation_ics, name="reservation_ics"),
    path("rendez-vous/permanences/<int:pk>/", public.permanence, name="permanence_publique"),
    path("rendez-vous/creneaux/<int:pk>/", public.creneau, name="creneau_public"),
    path("rendez-vous/<str:token>/", public.rendezvous, name="rendezvous"),
    # Advisor space
    path("activite/ateliers/", conseiller.mes_ateliers, name="mes_ateliers"),
    path("activite/ateliers/nouveau/", conseiller.atelier_create, name="atelier_create"),
    path("activite/ateliers/<int:pk>/", conseiller.atelier_gestion, name="atelier_gestion"),
    path("activite/ateliers/<int:pk>/annuler/", conseiller.atelier_annuler, name="atelier_annuler"),
    path("activite/ateliers/<int:pk>/places/", conseiller.atelier_capacite, name="atelier_capacite"),
    path("activite/ateliers/<int:pk>/details/", conseiller.atelier_details, name="atelier_details"),
    path("activite/ateliers/<int:pk>/presences/", conseiller.atelier_presences, name="atelier_presences"),
    path("activite/permanences/", conseiller.mes_permanences, name="mes_permanences"),
    path("activite/permanences/nouvelle/", conseiller.permanence_create, name="permanence_create"),
    path("activite/permanences/<int:pk>/creneaux/", conseiller.permanence_creneaux, name="permanence_creneaux"),
    path("activite/creneaux/<int:pk>/supprimer/", conseiller.creneau_supprimer, name="creneau_supprimer"),
    path("activite/rendez-vous/", conseiller.mes_rendezvous, name="mes_rendezvous"),
    path("activite/rendez-vous/<int:pk>/compte-rendu/", conseiller.rendezvous_cra, name="rendezvous_cra"),
]
