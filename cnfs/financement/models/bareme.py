from django.db import models
from django.db.models import Q

from cnfs.financement.enums import Modalite
from cnfs.financement.money import euros

# State support per post (issue 5): between 40,000 and 50,000 €, in cents.
SUBVENTION_MIN = 4_000_000
SUBVENTION_MAX = 5_000_000


class Smic(models.Model):
    """A revaluation of the minimum wage: monthly gross amount for 35 hours a week, in force from `date_effet`."""

    date_effet = models.DateField("en vigueur à partir du", unique=True)
    montant_mensuel_brut = models.BigIntegerField("montant mensuel brut (centimes)")
    horaire_brut = models.BigIntegerField("montant horaire brut (centimes)")
    source = models.CharField("texte de référence", max_length=255, blank=True)

    class Meta:
        verbose_name = "revalorisation du SMIC"
        verbose_name_plural = "table du SMIC"
        ordering = ["-date_effet"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant_mensuel_brut__gt=0) & Q(horaire_brut__gt=0),
                name="financement_smic_positif",
                violation_error_message="Le montant du SMIC doit être positif.",
            ),
        ]

    def __str__(self) -> str:
        return f"SMIC au {self.date_effet:%d/%m/%Y} : {euros(self.montant_mensuel_brut)} brut par mois"


class Bareme(models.Model):
    """A rule that gives the subsidy per post: a share of the SMIC over a duration, or a fixed amount.

    `types_structure` lists the structure types it applies to (`recrutement.TypeStructure` values); empty: all.
    """

    libelle = models.CharField("libellé", max_length=200, unique=True)
    types_structure = models.JSONField("types de structure concernés", default=list, blank=True)
    modalite = models.CharField("modalité", max_length=10, choices=Modalite.choices)
    taux_smic = models.PositiveSmallIntegerField("part du SMIC (%)", null=True, blank=True)
    duree_mois = models.PositiveSmallIntegerField("durée (mois)")
    montant_forfait = models.BigIntegerField("montant par poste (centimes)", null=True, blank=True)
    actif = models.BooleanField("proposé aux nouvelles conventions", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "barème de subvention"
        verbose_name_plural = "barèmes de subvention"
        ordering = ["libelle"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(modalite=Modalite.SMIC)
                    & Q(taux_smic__gte=1)
                    & Q(taux_smic__lte=100)
                    & Q(montant_forfait__isnull=True)
                )
                | (
                    Q(modalite=Modalite.FORFAIT)
                    & Q(taux_smic__isnull=True)
                    & Q(montant_forfait__gte=SUBVENTION_MIN)
                    & Q(montant_forfait__lte=SUBVENTION_MAX)
                ),
                name="financement_bareme_modalite_coherente",
                violation_error_message=(
                    "Un barème au SMIC porte une part entre 1 et 100 % ; un forfait porte un montant par poste "
                    "entre 40 000 et 50 000 €."
                ),
            ),
            models.CheckConstraint(
                condition=Q(duree_mois__gte=1) & Q(duree_mois__lte=60),
                name="financement_bareme_duree_bornee",
                violation_error_message="La durée est comprise entre 1 et 60 mois.",
            ),
        ]

    def __str__(self) -> str:
        return self.libelle

    def applies_to(self, type_structure: str) -> bool:
        return not self.types_structure or type_structure in self.types_structure

    @property
    def description(self) -> str:
        if self.modalite == Modalite.FORFAIT:
            return f"{euros(self.montant_forfait)} par poste sur {self.duree_mois} mois"
        return f"{self.taux_smic} % du SMIC brut sur {self.duree_mois} mois"
