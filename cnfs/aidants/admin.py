"""Back-office of Aidants Connect for the national team.

Everything here is read-only: organisations, requests, aidants, mandates and authorisations change through the
services (which journal every act), and the journal itself cannot change at all (database triggers). Usagers are
not listed: their identity is seen by their organisation only.
"""

from django.contrib import admin

from cnfs.aidants.models import Aidant, Autorisation, DemandeHabilitation, JournalEntry, Mandat, Organisation
from cnfs.recrutement.admin import ReadOnlyMixin


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["nom", "siret", "type", "departement", "active", "created_at"]
    list_filter = ["type", "active"]
    search_fields = ["nom", "siret"]


@admin.register(DemandeHabilitation)
class DemandeHabilitationAdmin(ReadOnlyAdmin):
    list_display = ["nom", "siret", "statut", "created_at", "instruite_le"]
    list_filter = ["statut"]
    search_fields = ["nom", "siret"]


@admin.register(Aidant)
class AidantAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "statut", "formation_date", "validated_at", "last_activity_at"]
    list_filter = ["statut"]
    list_select_related = ["user", "organisation"]


class AutorisationInline(admin.TabularInline):
    model = Autorisation
    fields = ["demarche", "revoked_at", "remplacee_par"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mandat)
class MandatAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organisation", "duree", "debut", "fin", "revoked_at"]
    list_select_related = ["organisation"]
    exclude = ["usager"]
    inlines = [AutorisationInline]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "action", "actor_id", "organisation_id", "demarche", "mandat_id"]
    list_filter = ["action"]
    search_fields = ["=usager", "=entry_hash"]
