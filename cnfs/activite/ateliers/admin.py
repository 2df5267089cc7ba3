"""Back-office of ateliers, permanences and appointments: read-only, since bookings go through the services (seat
counts, waiting list, e-mails). Contact details are not listed: the national team needs counts, not people."""

from django.contrib import admin

from cnfs.activite.models import Atelier, Creneau, Permanence, RendezVous, Reservation


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Atelier)
class AtelierAdmin(ReadOnly):
    list_display = ["titre", "debut", "conseiller", "lieu", "capacite", "annule_le", "presences_le"]
    list_filter = ["niveau", "annule_le"]
    search_fields = ["titre"]
    date_hierarchy = "debut"
    list_select_related = ["conseiller", "lieu"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnly):
    list_display = ["pk", "atelier", "statut", "present", "created_at", "purgee_le"]
    list_filter = ["statut"]
    exclude = ["nom", "email", "telephone"]
    list_select_related = ["atelier"]


@admin.register(Permanence)
class PermanenceAdmin(ReadOnly):
    list_display = ["conseiller", "lieu", "horaires", "acces", "itinerante"]
    list_filter = ["acces", "itinerante"]
    list_select_related = ["conseiller", "lieu"]


@admin.register(Creneau)
class CreneauAdmin(ReadOnly):
    list_display = ["permanence", "debut", "duree_minutes"]
    list_select_related = ["permanence__lieu", "permanence__conseiller"]


@admin.register(RendezVous)
class RendezVousAdmin(ReadOnly):
    list_display = ["pk", "creneau", "statut", "created_at", "purgee_le"]
    list_filter = ["statut"]
    exclude = ["nom", "email", "telephone", "motif"]
    list_select_related = ["creneau"]
