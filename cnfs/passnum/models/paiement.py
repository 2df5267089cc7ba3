"""The money side: monthly statements of the places, payment batches, credit notes to buyers after expiry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cnfs.passnum.enums import StatutLot, StatutReleve


class LotPaiement(models.Model):
    """A batch of monthly statements paid by one SEPA credit transfer file (`pain.001.001.03`) and its CSV twin.

    Both files are built once, when the batch is prepared, and kept as they were sent: they are the evidence.
    """

    statut = models.CharField("statut", max_length=10, choices=StatutLot.choices, default=StatutLot.PREPARE)
    nb_releves = models.PositiveIntegerField("nombre de relevés")
    montant_total = models.BigIntegerField("montant total (centimes)")
    date_execution = models.DateField("date d’exécution demandée")
    fichier_xml = models.TextField("fichier de virements SEPA (pain.001)")
    fichier_csv = models.TextField("fichier CSV")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="préparé par",
    )
    created_at = models.DateTimeField("préparé le", auto_now_add=True)
    transmis_at = models.DateTimeField("transmis le", null=True, blank=True)
    paid_at = models.DateTimeField("payé le", null=True, blank=True)

    class Meta:
        verbose_name = "lot de paiement"
        verbose_name_plural = "lots de paiement"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nb_releves__gt=0) & Q(montant_total__gt=0),
                name="passnum_lot_non_vide",
                violation_error_message="Un lot de paiement contient au moins un relevé.",
            ),
            models.CheckConstraint(
                condition=~Q(statut="paye") | Q(paid_at__isnull=False),
                name="passnum_lot_paye_date",
                violation_error_message="Un lot payé porte sa date de paiement.",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"LOT-{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else "LOT-nouveau"


class ReleveMensuel(models.Model):
    """What a qualified place is owed for the vouchers it redeemed in one closed month (`mois`: its first day)."""

    lieu = models.ForeignKey(
        "passnum.LieuQualifie", on_delete=models.PROTECT, related_name="releves", verbose_name="lieu"
    )
    mois = models.DateField("mois")
    nb_cheques = models.PositiveIntegerField("chèques encaissés")
    montant = models.BigIntegerField("montant (centimes)")
    statut = models.CharField("statut", max_length=10, choices=StatutReleve.choices, default=StatutReleve.A_PAYER)
    lot = models.ForeignKey(
        LotPaiement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="releves",
        verbose_name="lot de paiement",
    )
    created_at = models.DateTimeField("établi le")
    paid_at = models.DateTimeField("payé le", null=True, blank=True)

    class Meta:
        verbose_name = "relevé mensuel"
        verbose_name_plural = "relevés mensuels"
        ordering = ["-mois", "lieu_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lieu", "mois"],
                name="passnum_releve_lieu_mois_unique",
                violation_error_message="Un relevé existe déjà pour ce lieu et ce mois.",
            ),
            models.CheckConstraint(
                condition=Q(nb_cheques__gt=0) & Q(montant__gt=0),
                name="passnum_releve_positif",
                violation_error_message="Un relevé porte au moins un chèque.",
            ),
            models.CheckConstraint(
                condition=Q(statut="a_payer", lot__isnull=True, paid_at__isnull=True)
                | Q(statut="en_lot", lot__isnull=False, paid_at__isnull=True)
                | Q(statut="paye", lot__isnull=False, paid_at__isnull=False),
                name="passnum_releve_statut_coherent",
                violation_error_message="Le statut du relevé ne correspond pas à son lot.",
            ),
        ]
        indexes = [models.Index(fields=["statut", "mois"], name="passnum_releve_statut_idx")]

    def __str__(self) -> str:
        return f"Relevé {self.mois:%m/%Y} — {self.lieu_id}"


class Avoir(models.Model):
    """The credit note to a buyer once its order expired: the face value of the vouchers nobody used."""

    commande = models.OneToOneField(
        "passnum.Commande", on_delete=models.PROTECT, related_name="avoir", verbose_name="commande"
    )
    nb_expires = models.PositiveIntegerField("chèques expirés")
    nb_annules = models.PositiveIntegerField("chèques annulés")
    montant = models.BigIntegerField("montant (centimes)")
    created_at = models.DateTimeField("établi le")

    class Meta:
        verbose_name = "avoir"
        verbose_name_plural = "avoirs"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant__gte=0), name="passnum_avoir_positif", violation_error_message="Montant négatif."
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"AV-{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else "AV-nouveau"
