import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cnfs.financement.enums import StatutDemandeMobilier, TypeFabricant
from cnfs.recrutement.storage import private_storage


def plans_upload_to(instance, filename: str) -> str:
    return f"mobilier/plans/{secrets.token_hex(16)}.pdf"


def devis_upload_to(instance, filename: str) -> str:
    return f"mobilier/devis/{secrets.token_hex(16)}.pdf"


class ModeleMobilier(models.Model):
    """A furniture design of the catalogue (built in a fablab or by a craftsman), with its plans."""

    nom = models.CharField("nom", max_length=200, unique=True)
    description = models.TextField("description", max_length=3000)
    plans = models.FileField(
        "plans (PDF)", storage=private_storage, upload_to=plans_upload_to, blank=True, max_length=255
    )
    cout_estime = models.BigIntegerField("coût estimé (centimes)")
    actif = models.BooleanField("au catalogue", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "modèle de mobilier"
        verbose_name_plural = "catalogue du mobilier"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cout_estime__gt=0),
                name="financement_modele_cout_positif",
                violation_error_message="Le coût estimé doit être positif.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class DemandeMobilier(models.Model):
    """A place asks for a grant to have a catalogue design built; the national team decides, then pays."""

    lieu = models.ForeignKey(
        "lieux.Lieu", on_delete=models.PROTECT, related_name="demandes_mobilier", verbose_name="lieu"
    )
    modele = models.ForeignKey(
        ModeleMobilier, on_delete=models.PROTECT, related_name="demandes", verbose_name="modèle"
    )
    enveloppe = models.ForeignKey(
        "financement.Enveloppe", on_delete=models.PROTECT, related_name="demandes_mobilier", verbose_name="enveloppe"
    )
    type_fabricant = models.CharField("fabricant", max_length=10, choices=TypeFabricant.choices)
    nom_fabricant = models.CharField("nom du fabricant", max_length=200)
    montant = models.BigIntegerField("montant demandé (centimes)")
    devis = models.FileField("devis (PDF)", storage=private_storage, upload_to=devis_upload_to, max_length=255)
    statut = models.CharField(
        "statut",
        max_length=10,
        choices=StatutDemandeMobilier.choices,
        default=StatutDemandeMobilier.DEPOSEE,
        db_index=True,
    )
    motif_refus = models.TextField("motif du refus", max_length=1000, blank=True)
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="décidée par",
    )
    versee_le = models.DateField("versée le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="déposée par",
    )
    created_at = models.DateTimeField("déposée le", auto_now_add=True)

    class Meta:
        verbose_name = "demande d’aide au mobilier"
        verbose_name_plural = "demandes d’aide au mobilier"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant__gt=0),
                name="financement_demande_mobilier_montant_positif",
                violation_error_message="Le montant demandé doit être positif.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutDemandeMobilier.VERSEE) | Q(versee_le__isnull=False),
                name="financement_demande_mobilier_versement_date",
                violation_error_message="Une aide versée porte sa date de versement.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.modele} pour {self.lieu}"

    def get_absolute_url(self) -> str:
        return reverse("financement:mobilier_demande", args=[self.pk])
