"""Back-office of the training app. Training records and certification results are written by services (the
gate must run after them): the back-office shows them read-only; the catalogue and organisations are edited here."""

from django.contrib import admin

from cnfs.formation.models import (
    DemandeVAE,
    Inscription,
    ModuleFormation,
    OrganismeFormation,
    PassageBloc,
    SessionFormation,
)


@admin.register(OrganismeFormation)
class OrganismeFormationAdmin(admin.ModelAdmin):
    list_display = ("nom", "siret", "email", "actif")
    list_filter = ("actif",)
    search_fields = ("nom", "siret", "email")
    autocomplete_fields = ("commune",)


@admin.register(ModuleFormation)
class ModuleFormationAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "nature", "duree_heures", "palier_max", "ordre", "actif")
    list_filter = ("nature", "actif")
    search_fields = ("code", "libelle")


@admin.register(SessionFormation)
class SessionFormationAdmin(admin.ModelAdmin):
    list_display = ("module", "organisme", "date_debut", "date_fin", "places")
    list_filter = ("module",)
    list_select_related = ("module", "organisme")
    search_fields = ("organisme__nom", "lieu")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inscription)
class InscriptionAdmin(ReadOnlyAdmin):
    list_display = (
        "candidature",
        "module",
        "organisme",
        "heures_realisees",
        "heures_prevues",
        "date_debut",
        "resultat",
    )
    list_filter = ("resultat", "module")
    list_select_related = ("candidature", "module", "organisme")
    search_fields = ("candidature__nom", "candidature__email", "organisme__nom")


@admin.register(PassageBloc)
class PassageBlocAdmin(ReadOnlyAdmin):
    list_display = ("candidature", "bloc", "voie", "date_passage", "resultat", "organisme")
    list_filter = ("bloc", "voie", "resultat")
    list_select_related = ("candidature", "organisme")
    search_fields = ("candidature__nom", "candidature__email")


@admin.register(DemandeVAE)
class DemandeVAEAdmin(ReadOnlyAdmin):
    list_display = ("candidature", "date_depot", "statut", "date_decision")
    list_filter = ("statut",)
    list_select_related = ("candidature",)
    search_fields = ("candidature__nom", "candidature__email")
