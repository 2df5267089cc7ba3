from django.db import models
from django.db.models import F, Q

from cnfs.financement.enums import Destination
from cnfs.financement.money import euros


class Enveloppe(models.Model):
    """A budget envelope of the programme (France Relance: 200 M€, 40 M€, 10 M€), in cents.

    `engage` (committed: signed conventions and granted equipment, minus what departures freed) and `verse` (paid)
    are denormalised totals kept by the services under a row lock (`select_for_update`); the database refuses
    `verse > engage` or `engage > montant` whatever writes it, so an envelope is never over-committed.
    `cnfs financement verifier` recomputes both from the rows they summarise.
    """

    programme = models.CharField("programme", max_length=150)
    libelle = models.CharField("libellé", max_length=200)
    destination = models.CharField("destination", max_length=20, choices=Destination.choices, db_index=True)
    montant = models.BigIntegerField("montant (centimes)")
    date_debut = models.DateField("début de la période")
    date_fin = models.DateField("fin de la période")
    engage = models.BigIntegerField("engagé (centimes)", default=0, editable=False)
    verse = models.BigIntegerField("versé (centimes)", default=0, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "enveloppe budgétaire"
        verbose_name_plural = "enveloppes budgétaires"
        ordering = ["-montant", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "libelle"],
                name="financement_enveloppe_unique",
                violation_error_message="Une enveloppe de ce programme porte déjà ce libellé.",
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0),
                name="financement_enveloppe_montant_positif",
                violation_error_message="Le montant de l’enveloppe doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(engage__gte=0) & Q(verse__gte=0) & Q(verse__lte=F("engage")),
                name="financement_enveloppe_verse_borne",
                violation_error_message="Le montant versé ne peut pas dépasser le montant engagé.",
            ),
            models.CheckConstraint(
                condition=Q(engage__lte=F("montant")),
                name="financement_enveloppe_jamais_surengagee",
                violation_error_message="L’enveloppe ne peut pas être engagée au-delà de son montant.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="financement_enveloppe_periode",
                violation_error_message="La fin de la période doit suivre son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} ({euros(self.montant)})"

    @property
    def disponible(self) -> int:
        return self.montant - self.engage

    @property
    def reste_a_verser(self) -> int:
        return self.engage - self.verse

    @property
    def taux_engagement(self) -> float:
        return self.engage / self.montant if self.montant else 0.0
