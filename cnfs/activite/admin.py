"""Back-office of activity data. Records are read-only here: every write goes through `services` so that the
`accompagnements_changed` signal keeps the rollups right; beneficiaries' identities are not shown."""

from django.contrib import admin

from cnfs.activite.models import Accompagnement, AccompagnementTheme, Beneficiaire, LieuActivite


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThemeInline(admin.TabularInline):
    model = AccompagnementTheme
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Accompagnement)
class AccompagnementAdmin(ReadOnlyAdmin):
    list_display = ("date", "conseiller", "type", "canal", "departement_code", "participants", "duree_minutes")
    list_filter = ("type", "canal", "supprime_le")
    search_fields = ("conseiller__email", "departement_code", "commune__code")
    date_hierarchy = "date"
    list_select_related = ("conseiller",)
    exclude = ("beneficiaire",)
    inlines = [ThemeInline]


@admin.register(Beneficiaire)
class BeneficiaireAdmin(ReadOnlyAdmin):
    list_display = ("pk", "conseiller", "consentement_le", "consentement_version", "derniere_activite", "anonymise_le")
    list_filter = ("consentement_version",)
    fields = ("conseiller", "consentement_le", "consentement_version", "derniere_activite", "anonymise_le")
    list_select_related = ("conseiller",)


@admin.register(LieuActivite)
class LieuActiviteAdmin(admin.ModelAdmin):
    list_display = ("conseiller", "lieu", "principal")
    list_filter = ("principal",)
    search_fields = ("conseiller__email", "lieu__nom")
    autocomplete_fields = ("conseiller", "lieu")
    list_select_related = ("conseiller", "lieu")
