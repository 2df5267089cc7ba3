import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cnfs.activite.enums import (
    DUREE_MAX_MINUTES,
    PARTICIPANTS_MAX,
    Autonomie,
    Canal,
    DemarcheType,
    Materiel,
    Orientation,
    Theme,
    TypeAccompagnement,
)

DATE_MIN = dt.date(2020, 1, 1)


class AccompagnementQuerySet(models.QuerySet):
    def actifs(self):
        """Records that count: archived (deleted) records are kept but left out of every figure."""
        return self.filter(supprime_le__isnull=True)

    def of_conseillers(self, user_ids):
        return self.filter(conseiller_id__in=list(user_ids))


def _sum(*names: str):
    total = F(names[0])
    for name in names[1:]:
        total = total + F(name)
    return total


class Accompagnement(models.Model):
    """One activity record (compte rendu d’activité, CRA) of an advisor.

    `commune` points to the INSEE code (`commune_id` is the code, as for `lieux.Lieu`); `departement_code` is
    copied from the commune or the place so that rollups group on it without a join. Writes go through
    `cnfs.activite.services` only, which send `signals.accompagnements_changed`.
    """

    conseiller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accompagnements", verbose_name="conseiller"
    )
    structure = models.ForeignKey(
        "recrutement.Structure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="structure d’accueil",
    )
    lieu = models.ForeignKey(
        "lieux.Lieu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="lieu",
    )
    commune = models.ForeignKey(
        "territoires.Commune",
        to_field="code",
        db_column="commune_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="commune",
    )
    departement_code = models.CharField("code du département", max_length=3, blank=True)
    date = models.DateField("date")
    type = models.CharField("type", max_length=12, choices=TypeAccompagnement.choices)
    canal = models.CharField("lieu de l’accompagnement", max_length=15, choices=Canal.choices)
    duree_minutes = models.PositiveIntegerField("durée (minutes)")
    participants = models.PositiveSmallIntegerField("participants")
    participants_recurrents = models.PositiveSmallIntegerField("dont participants déjà accompagnés", default=0)

    age_moins_12 = models.PositiveSmallIntegerField("moins de 12 ans", default=0)
    age_12_18 = models.PositiveSmallIntegerField("12 à 18 ans", default=0)
    age_18_35 = models.PositiveSmallIntegerField("18 à 35 ans", default=0)
    age_35_60 = models.PositiveSmallIntegerField("35 à 60 ans", default=0)
    age_plus_60 = models.PositiveSmallIntegerField("plus de 60 ans", default=0)

    statut_etudiant = models.PositiveSmallIntegerField("scolarisés ou étudiants", default=0)
    statut_sans_emploi = models.PositiveSmallIntegerField("sans emploi", default=0)
    statut_en_emploi = models.PositiveSmallIntegerField("en emploi", default=0)
    statut_retraite = models.PositiveSmallIntegerField("retraités", default=0)
    statut_non_renseigne = models.PositiveSmallIntegerField("situation non renseignée", default=0)

    orientation = models.CharField("orientation", max_length=20, choices=Orientation.choices, blank=True)
    materiel = models.CharField("matériel utilisé", max_length=12, choices=Materiel.choices, blank=True)
    autonomie = models.CharField("autonomie atteinte", max_length=15, choices=Autonomie.choices, blank=True)
    demarche_type = models.CharField("type de démarche", max_length=12, choices=DemarcheType.choices, blank=True)
    notes = models.TextField("notes", blank=True)

    # The atelier this collective record comes from (the ateliers part turns it into a foreign key).
    atelier_id = models.PositiveBigIntegerField("atelier", null=True, blank=True, db_index=True)
    beneficiaire = models.ForeignKey(
        "activite.Beneficiaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accompagnements",
        verbose_name="bénéficiaire suivi",
    )
    supprime_le = models.DateTimeField("supprimé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AccompagnementQuerySet.as_manager()

    class Meta:
        verbose_name = "compte rendu d’activité"
        verbose_name_plural = "comptes rendus d’activité"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["conseiller", "-date"], name="activite_acc_conseiller_date"),
            models.Index(fields=["departement_code", "date"], name="activite_acc_dep_date"),
            models.Index(fields=["structure", "date"], name="activite_acc_structure_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=1) & Q(participants__lte=PARTICIPANTS_MAX),
                name="activite_acc_participants_1_100",
                violation_error_message="Le nombre de participants est compris entre 1 et 100.",
            ),
            models.CheckConstraint(
                condition=Q(participants_recurrents__lte=F("participants")),
                name="activite_acc_recurrents_lte_participants",
                violation_error_message="Les participants déjà accompagnés ne dépassent pas les participants.",
            ),
            models.CheckConstraint(
                condition=Q(participants=_sum("age_moins_12", "age_12_18", "age_18_35", "age_35_60", "age_plus_60")),
                name="activite_acc_ages_sum",
                violation_error_message="La répartition par âge doit faire le total des participants.",
            ),
            models.CheckConstraint(
                condition=Q(
                    participants=_sum(
                        "statut_etudiant",
                        "statut_sans_emploi",
                        "statut_en_emploi",
                        "statut_retraite",
                        "statut_non_renseigne",
                    )
                ),
                name="activite_acc_statuts_sum",
                violation_error_message="La répartition par situation doit faire le total des participants.",
            ),
            models.CheckConstraint(
                condition=Q(duree_minutes__gte=1) & Q(duree_minutes__lte=DUREE_MAX_MINUTES),
                name="activite_acc_duree_range",
                violation_error_message="La durée est comprise entre 1 minute et 24 heures.",
            ),
            models.CheckConstraint(
                condition=Q(date__gte=DATE_MIN),
                name="activite_acc_date_min",
                violation_error_message="La date ne peut pas être antérieure au 1er janvier 2020.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y} ({self.participants} participant(s))"


class AccompagnementTheme(models.Model):
    """One topic of an activity record (a record has one or more)."""

    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="themes", verbose_name="compte rendu"
    )
    theme = models.CharField("thème", max_length=25, choices=Theme.choices)

    class Meta:
        verbose_name = "thème d’accompagnement"
        verbose_name_plural = "thèmes d’accompagnement"
        constraints = [
            models.UniqueConstraint(fields=["accompagnement", "theme"], name="activite_acc_theme_unique"),
        ]
        indexes = [models.Index(fields=["theme"], name="activite_acc_theme_idx")]

    def __str__(self) -> str:
        return self.get_theme_display()
