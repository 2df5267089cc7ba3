from django.contrib import admin

from cnfs.lieux.models import Lieu


@admin.register(Lieu)
class LieuAdmin(admin.ModelAdmin):
    list_display = (
        "nom",
        "commune",
        "code_postal",
        "source",
        "label_france_services",
        "label_conseillers_numeriques",
        "label_aidants_connect",
        "date_maj",
    )
    list_filter = (
        "label_france_services",
        "label_conseillers_numeriques",
        "label_aidants_connect",
        "label_fabriques_de_territoire",
        "label_pass_numerique",
        "source",
        "commune__departement",
    )
    search_fields = ("nom", "source_id", "pivot", "adresse", "commune__nom", "code_postal")
    autocomplete_fields = ("commune",)
    list_select_related = ("commune",)
    readonly_fields = (
        "label_france_services",
        "label_conseillers_numeriques",
        "label_aidants_connect",
        "label_fabriques_de_territoire",
        "label_pass_numerique",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        ("Identification", {"fields": ("source", "source_id", "pivot", "nom", "structure_id", "structure_parente")}),
        (
            "Adresse",
            {"fields": ("commune", "code_postal", "adresse", "complement_adresse", "latitude", "longitude")},
        ),
        (
            "Présentation et contacts",
            {
                "fields": (
                    "typologie",
                    "telephone",
                    "courriels",
                    "site_web",
                    "horaires",
                    "presentation_resume",
                    "presentation_detail",
                    "itinerance",
                    "fiche_acces_libre",
                    "prise_rdv",
                )
            },
        ),
        (
            "Offre",
            {
                "fields": (
                    "services",
                    "publics_specifiquement_adresses",
                    "prise_en_charge_specifique",
                    "frais_a_charge",
                    "accepte_pass_numerique",
                    "dispositif_programmes_nationaux",
                    "formations_labels",
                    "autres_formations_labels",
                    "modalites_acces",
                    "modalites_accompagnement",
                )
            },
        ),
        (
            "Labels du programme (calculés)",
            {
                "fields": (
                    "label_france_services",
                    "label_conseillers_numeriques",
                    "label_aidants_connect",
                    "label_fabriques_de_territoire",
                    "label_pass_numerique",
                )
            },
        ),
        ("Suivi", {"fields": ("date_maj", "created_at", "updated_at")}),
    )
