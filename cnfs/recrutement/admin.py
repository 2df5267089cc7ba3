"""Back-office of the recruitment chain for the national team.

What carries an audit trail or a business rule is read-only here: statuses, quotas and occupied posts (changed by
the services under a row lock), prefecture opinions (never edited), committee decisions, matches, contracts and
departures. The pages and services of the app are where these change.
"""

from django.contrib import admin

from cnfs.recrutement.models import (
    AvenantPostes,
    AvisPrefet,
    Candidature,
    Contrat,
    DecisionComite,
    DemandePostes,
    MiseEnRelation,
    Rupture,
    SessionComite,
    Structure,
)


class ReadOnlyMixin:
    """Shown, never added, changed nor deleted from the back-office."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoAddDeleteMixin:
    """Created by the platform's pages, kept for the record: edited here at most."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(NoAddDeleteMixin, admin.ModelAdmin):
    list_display = ("nom", "siret", "type", "commune", "qpv", "zrr", "postes_accordes", "postes_occupes")
    list_filter = ("type", "qpv", "zrr", "france_services", "commune__departement")
    search_fields = ("nom", "siret", "commune__nom", "contact_email")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)
    readonly_fields = ("postes_accordes", "postes_occupes", "created_at", "updated_at")
    fieldsets = (
        ("Identification", {"fields": ("siret", "type", "nom", "france_services")}),
        ("Adresse", {"fields": ("adresse", "commune", "latitude", "longitude")}),
        (
            "Contact",
            {"fields": ("contact_prenom", "contact_nom", "contact_fonction", "contact_email", "contact_telephone")},
        ),
        ("Zones prioritaires", {"fields": ("qpv", "zrr")}),
        ("Postes (modifiés par le comité et les recrutements)", {"fields": ("postes_accordes", "postes_occupes")}),
        ("Suivi", {"fields": ("created_at", "updated_at")}),
    )


class AvisPrefetInline(ReadOnlyMixin, admin.TabularInline):
    model = AvisPrefet
    extra = 0
    fields = ("created_at", "avis", "prioritaire", "commentaire", "auteur")
    readonly_fields = fields


class DecisionComiteInline(ReadOnlyMixin, admin.TabularInline):
    model = DecisionComite
    extra = 0
    fields = ("session", "decision", "postes_demandes", "postes_accordes", "observations", "decided_by")
    readonly_fields = fields


@admin.register(DemandePostes)
class DemandePostesAdmin(NoAddDeleteMixin, admin.ModelAdmin):
    list_display = ("structure", "nombre_postes", "statut", "deposee_le")
    list_filter = ("statut", "coordinateur", "structure__commune__departement")
    search_fields = ("structure__nom", "structure__siret")
    list_select_related = ("structure",)
    readonly_fields = (
        "structure",
        "nombre_postes",
        "statut",
        "deposee_le",
        "engagement",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = (*readonly_fields[:4], "coordinateur", "date_debut_souhaitee", "motivation", *readonly_fields[4:])
    inlines = (AvisPrefetInline, DecisionComiteInline)


@admin.register(AvenantPostes)
class AvenantPostesAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("structure", "type", "nombre_postes", "motif", "statut", "created_at")
    list_filter = ("type", "motif", "statut")
    search_fields = ("structure__nom", "structure__siret")
    list_select_related = ("structure",)


@admin.register(AvisPrefet)
class AvisPrefetAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("demande", "avis", "prioritaire", "auteur", "created_at")
    list_filter = ("avis", "prioritaire")
    search_fields = ("demande__structure__nom",)
    list_select_related = ("demande__structure", "auteur")


@admin.register(SessionComite)
class SessionComiteAdmin(NoAddDeleteMixin, admin.ModelAdmin):
    list_display = ("numero", "date", "cloturee")
    readonly_fields = ("numero", "created_at")
    inlines = (DecisionComiteInline,)


@admin.register(DecisionComite)
class DecisionComiteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("demande", "session", "decision", "postes_demandes", "postes_accordes")
    list_filter = ("decision", "session")
    search_fields = ("demande__structure__nom",)
    list_select_related = ("demande__structure", "session")


@admin.register(Candidature)
class CandidatureAdmin(NoAddDeleteMixin, admin.ModelAdmin):
    list_display = ("nom", "prenom", "email", "commune", "etape", "pix_palier", "date_disponibilite")
    list_filter = ("etape", "pix_palier", "diplome", "distance_max")
    search_fields = ("nom", "prenom", "email", "commune__nom")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)
    readonly_fields = (
        "user",
        "etape",
        "cv_nom",
        "cv_depose_le",
        "pix_palier",
        "pix_score_1",
        "pix_score_2",
        "pix_score_3",
        "pix_competence_1",
        "pix_competence_2",
        "pix_competence_3",
        "pix_partage_le",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        ("Identité", {"fields": ("user", "prenom", "nom", "email", "telephone", "date_naissance")}),
        ("Lieu de vie", {"fields": ("code_postal", "commune", "distance_max", "date_disponibilite")}),
        (
            "Situation",
            {
                "fields": (
                    "demandeur_emploi",
                    "en_emploi",
                    "en_formation",
                    "diplome",
                    "diplome_libelle",
                    "experience",
                    "motivation",
                )
            },
        ),
        ("CV (téléchargement réservé aux pages du recrutement)", {"fields": ("cv_nom", "cv_depose_le")}),
        (
            "Résultats Pix (importés)",
            {
                "fields": (
                    "pix_palier",
                    "pix_score_1",
                    "pix_score_2",
                    "pix_score_3",
                    "pix_competence_1",
                    "pix_competence_2",
                    "pix_competence_3",
                    "pix_partage_le",
                )
            },
        ),
        ("Parcours", {"fields": ("etape", "created_at", "updated_at")}),
    )


class ContratInline(ReadOnlyMixin, admin.TabularInline):
    model = Contrat
    extra = 0
    fk_name = "mise_en_relation"
    fields = ("type", "date_debut", "date_fin", "heures_hebdomadaires", "salaire_brut_mensuel", "statut")
    readonly_fields = fields


class RuptureInline(ReadOnlyMixin, admin.TabularInline):
    model = Rupture
    extra = 0
    fields = ("date_rupture", "motif", "justificatif", "statut", "declared_by", "validated_at")
    readonly_fields = fields


@admin.register(MiseEnRelation)
class MiseEnRelationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("candidature", "structure", "statut", "distance_km", "date_recrutement")
    list_filter = ("statut",)
    search_fields = ("candidature__nom", "candidature__email", "structure__nom", "structure__siret")
    list_select_related = ("candidature", "structure")
    inlines = (ContratInline, RuptureInline)


@admin.register(Contrat)
class ContratAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("mise_en_relation", "type", "date_debut", "date_fin", "statut")
    list_filter = ("type", "statut")
    list_select_related = ("mise_en_relation__candidature", "mise_en_relation__structure")


@admin.register(Rupture)
class RuptureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("mise_en_relation", "date_rupture", "motif", "justificatif", "statut")
    list_filter = ("motif", "statut", "justificatif")
    list_select_related = ("mise_en_relation__candidature", "mise_en_relation__structure")
