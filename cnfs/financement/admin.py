"""Back-office of the programme's money. Committed and paid totals are never typed: services keep them."""

from django import forms
from django.contrib import admin

from cnfs.financement.models import (
    Bareme,
    Convention,
    DemandeMobilier,
    Enveloppe,
    Liberation,
    ModeleMobilier,
    Smic,
    Versement,
)
from cnfs.financement.money import euros
from cnfs.financement.validators import pdf_error


class EnveloppeAdminForm(forms.ModelForm):
    class Meta:
        model = Enveloppe
        fields = ("programme", "libelle", "destination", "montant", "date_debut", "date_fin")

    def clean_montant(self):
        montant = self.cleaned_data["montant"]
        if self.instance.pk and montant < self.instance.engage:
            raise forms.ValidationError(
                f"Le montant ne peut pas descendre sous ce qui est déjà engagé ({euros(self.instance.engage)})."
            )
        return montant


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that move an envelope's totals change through the pages and services only: the back-office reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enveloppe)
class EnveloppeAdmin(admin.ModelAdmin):
    form = EnveloppeAdminForm
    list_display = ("libelle", "destination", "montant_euros", "engage_euros", "verse_euros", "date_debut", "date_fin")
    readonly_fields = ("engage", "verse", "created_at", "updated_at")
    list_filter = ("destination", "programme")

    @admin.display(description="montant")
    def montant_euros(self, obj):
        return euros(obj.montant)

    @admin.display(description="engagé")
    def engage_euros(self, obj):
        return euros(obj.engage)

    @admin.display(description="versé")
    def verse_euros(self, obj):
        return euros(obj.verse)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not (obj.engage or obj.verse)


@admin.register(Smic)
class SmicAdmin(admin.ModelAdmin):
    list_display = ("date_effet", "mensuel", "horaire", "source")

    @admin.display(description="mensuel brut")
    def mensuel(self, obj):
        return euros(obj.montant_mensuel_brut)

    @admin.display(description="horaire brut")
    def horaire(self, obj):
        return euros(obj.horaire_brut)


@admin.register(Bareme)
class BaremeAdmin(admin.ModelAdmin):
    list_display = ("libelle", "modalite", "taux_smic", "duree_mois", "forfait", "actif")
    list_filter = ("modalite", "actif")

    @admin.display(description="forfait par poste")
    def forfait(self, obj):
        return euros(obj.montant_forfait) if obj.montant_forfait else "—"


class VersementInline(admin.TabularInline):
    model = Versement
    extra = 0
    can_delete = False
    readonly_fields = ("numero", "date_prevue", "montant", "statut", "mandate_le", "paye_le")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Convention)
class ConventionAdmin(ReadOnlyAdmin):
    """Read-only: conventions change through the pages (services keep the envelope's totals)."""

    list_display = ("pk", "structure", "phase", "statut", "nombre_postes", "net", "signee_le")
    list_filter = ("statut", "phase", "enveloppe")
    search_fields = ("structure__nom", "structure__siret")
    list_select_related = ("structure",)
    inlines = [VersementInline]

    @admin.display(description="subvention nette")
    def net(self, obj):
        return euros(obj.montant_net)


@admin.register(Liberation)
class LiberationAdmin(ReadOnlyAdmin):
    list_display = ("convention", "date_depart", "mois_utilises", "montant")


class ModeleMobilierAdminForm(forms.ModelForm):
    class Meta:
        model = ModeleMobilier
        fields = ("nom", "description", "plans", "cout_estime", "actif")

    def clean_plans(self):
        plans = self.cleaned_data.get("plans")
        if plans and plans is not getattr(self.instance, "plans", None) and hasattr(plans, "size"):
            error = pdf_error(plans, what="Le fichier des plans")
            if error:
                raise forms.ValidationError(error)
        return plans


@admin.register(ModeleMobilier)
class ModeleMobilierAdmin(admin.ModelAdmin):
    form = ModeleMobilierAdminForm
    list_display = ("nom", "cout", "actif")
    list_filter = ("actif",)

    @admin.display(description="coût estimé")
    def cout(self, obj):
        return euros(obj.cout_estime)


@admin.register(DemandeMobilier)
class DemandeMobilierAdmin(ReadOnlyAdmin):
    """Read-only: decisions and payments go through the pages (they move the envelope's totals)."""

    list_display = ("pk", "lieu", "modele", "type_fabricant", "statut", "montant_euros")
    list_filter = ("statut", "type_fabricant")
    list_select_related = ("lieu", "modele")

    @admin.display(description="montant")
    def montant_euros(self, obj):
        return euros(obj.montant)
