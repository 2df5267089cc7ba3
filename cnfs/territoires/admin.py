from django.contrib import admin

from cnfs.territoires.models import Commune, Departement, Epci, Hub, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "nom"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "region"]
    search_fields = ["code", "nom"]
    list_select_related = ["region"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "type"]
    search_fields = ["code", "nom"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "departement", "population"]
    search_fields = ["code", "nom"]
    list_select_related = ["departement"]
    raw_id_fields = ["epci"]


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["nom"]
    search_fields = ["nom"]
    filter_horizontal = ["departements"]
