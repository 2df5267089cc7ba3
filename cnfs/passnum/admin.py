"""Back-office of the pass numérique for the national team.

Buyers, distributors and the State's envelopes are reference data, edited here (an envelope's committed total is
not: the services keep it under a row lock). Qualifications, orders, booklets, vouchers and attempts change
through the services only, so they are read-only here. Voucher lists never count their millions of rows.
"""

from django.contrib import admin

from cnfs.passnum.models import (
    Carnet,
    Cheque,
    Commande,
    Commanditaire,
    Distributeur,
    EnveloppeEtat,
    LieuQualifie,
    TentativeEncaissement,
    ZoneCommande,
)
from cnfs.recrutement.admin import ReadOnlyMixin


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(Commanditaire)
class CommanditaireAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "siret", "created_at"]
    list_filter = ["type"]
    search_fields = ["nom", "siret"]


@admin.register(Distributeur)
class DistributeurAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "departement", "created_at"]
    list_filter = ["type"]
    search_fields = ["nom"]
    list_select_related = ["departement"]


@admin.register(EnveloppeEtat)
class EnveloppeEtatAdmin(admin.ModelAdmin):
    list_display = ["libelle", "annee", "region", "montant", "engage"]
    readonly_fields = ["engage"]
    list_select_related = ["region"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.commandes.exists()


@admin.register(LieuQualifie)
class LieuQualifieAdmin(ReadOnlyAdmin):
    list_display = ["lieu", "siret", "statut", "demandee_at", "reviewed_at"]
    list_filter = ["statut"]
    search_fields = ["lieu__nom", "siret"]
    list_select_related = ["lieu"]


class ZoneInline(admin.TabularInline):
    model = ZoneCommande
    fields = ["cle", "libelle"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Commande)
class CommandeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "commanditaire", "nb_carnets", "cheques_par_carnet", "montant_total", "statut"]
    list_filter = ["statut", "territoire_type"]
    search_fields = ["libelle", "commanditaire__nom"]
    list_select_related = ["commanditaire"]
    inlines = [ZoneInline]


@admin.register(Carnet)
class CarnetAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "commande", "distributeur", "statut", "public", "distribue_at"]
    list_filter = ["statut"]
    list_select_related = ["commande", "distributeur"]
    show_full_result_count = False
    exclude = ["beneficiaire_nom"]  # a consenting person's name stays with the distributor


@admin.register(Cheque)
class ChequeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "commande", "valeur", "statut", "redeemed_at", "redeemed_by_place"]
    list_filter = ["statut"]
    search_fields = ["=code"]
    list_select_related = ["commande", "redeemed_by_place__lieu"]
    show_full_result_count = False


@admin.register(TentativeEncaissement)
class TentativeEncaissementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "code_saisi", "lieu", "user", "resultat", "motif"]
    list_filter = ["resultat"]
    list_select_related = ["lieu", "user"]
    show_full_result_count = False
