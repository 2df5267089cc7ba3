from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cnfs.recrutement.enums import (
    STATUTS_POSTE_OCCUPE,
    MotifRupture,
    StatutContrat,
    StatutJustificatif,
    StatutMiseEnRelation,
    StatutRupture,
    TypeContrat,
)


class MiseEnRelation(models.Model):
    """A candidate put in front of a structure, followed from first contact to recruitment and departure.

    Statuses follow `enums.TRANSITIONS_MISE_EN_RELATION`; only services change them.
    """

    structure = models.ForeignKey(
        "recrutement.Structure", on_delete=models.PROTECT, related_name="mises_en_relation", verbose_name="structure"
    )
    candidature = models.ForeignKey(
        "recrutement.Candidature",
        on_delete=models.PROTECT,
        related_name="mises_en_relation",
        verbose_name="candidature",
    )
    statut = models.CharField(
        "statut",
        max_length=20,
        choices=StatutMiseEnRelation.choices,
        default=StatutMiseEnRelation.NOUVELLE,
        db_index=True,
    )
    distance_km = models.FloatField("distance (km)", null=True, blank=True)
    date_recrutement = models.DateField("date de prise de poste", null=True, blank=True)
    recrutee_le = models.DateTimeField("recrutement saisi le", null=True, blank=True)
    finalisee_le = models.DateTimeField("recrutement validé le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "mise en relation"
        verbose_name_plural = "mises en relation"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "candidature"],
                name="recrutement_mer_unique",
                violation_error_message="Ce candidat est déjà en relation avec cette structure.",
            ),
            # One person holds at most one post at a time.
            models.UniqueConstraint(
                fields=["candidature"],
                condition=Q(statut__in=[s.value for s in STATUTS_POSTE_OCCUPE]),
                name="recrutement_mer_un_poste_a_la_fois",
                violation_error_message="Ce candidat est déjà recruté par une autre structure.",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=[s.value for s in STATUTS_POSTE_OCCUPE]) | Q(date_recrutement__isnull=False),
                name="recrutement_mer_recrutement_date",
                violation_error_message="Un recrutement porte une date de prise de poste.",
            ),
            models.CheckConstraint(
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0),
                name="recrutement_mer_distance_positive",
                violation_error_message="La distance ne peut pas être négative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidature} ↔ {self.structure} ({self.get_statut_display().lower()})"

    @property
    def occupe_un_poste(self) -> bool:
        return self.statut in STATUTS_POSTE_OCCUPE


class Contrat(models.Model):
    """The employment contract of a recruited advisor. A renewal is a new contract, initiated then validated."""

    mise_en_relation = models.ForeignKey(
        MiseEnRelation, on_delete=models.PROTECT, related_name="contrats", verbose_name="recrutement"
    )
    type = models.CharField("type de contrat", max_length=20, choices=TypeContrat.choices)
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin", null=True, blank=True)
    salaire_brut_mensuel = models.DecimalField(
        "salaire brut mensuel (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    heures_hebdomadaires = models.DecimalField("durée hebdomadaire (heures)", max_digits=4, decimal_places=2)
    statut = models.CharField("statut", max_length=10, choices=StatutContrat.choices, default=StatutContrat.VALIDE)
    renouvellement_de = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renouvellement",
        verbose_name="renouvelle le contrat",
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        verbose_name = "contrat"
        verbose_name_plural = "contrats"
        ordering = ["-date_debut", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(type=TypeContrat.CDI) & Q(date_fin__isnull=True))
                | (~Q(type=TypeContrat.CDI) & Q(date_fin__isnull=False)),
                name="recrutement_contrat_fin_selon_type",
                violation_error_message="Un CDI n’a pas de date de fin ; les autres contrats en ont une.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gt=F("date_debut")),
                name="recrutement_contrat_fin_apres_debut",
                violation_error_message="La date de fin du contrat doit suivre sa date de début.",
            ),
            models.CheckConstraint(
                condition=Q(heures_hebdomadaires__gt=0) & Q(heures_hebdomadaires__lte=48),
                name="recrutement_contrat_heures_bornees",
                violation_error_message="La durée hebdomadaire est comprise entre 0 et 48 heures.",
            ),
            models.CheckConstraint(
                condition=Q(salaire_brut_mensuel__isnull=True) | Q(salaire_brut_mensuel__gte=0),
                name="recrutement_contrat_salaire_positif",
                violation_error_message="Le salaire ne peut pas être négatif.",
            ),
        ]

    def __str__(self) -> str:
        fin = f" au {self.date_fin:%d/%m/%Y}" if self.date_fin else ""
        return f"{self.get_type_display()} du {self.date_debut:%d/%m/%Y}{fin}"


class Rupture(models.Model):
    """The early end of a recruitment, declared by the structure and validated by the national team."""

    mise_en_relation = models.ForeignKey(
        MiseEnRelation, on_delete=models.PROTECT, related_name="ruptures", verbose_name="recrutement"
    )
    date_rupture = models.DateField("date de la rupture")
    motif = models.CharField("motif", max_length=30, choices=MotifRupture.choices)
    justificatif = models.CharField(
        "pièce justificative", max_length=10, choices=StatutJustificatif.choices, default=StatutJustificatif.MANQUANT
    )
    statut = models.CharField("statut", max_length=10, choices=StatutRupture.choices, default=StatutRupture.SIGNALEE)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="signalée par"
    )
    declared_at = models.DateTimeField("signalée le", auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="validée par",
    )
    validated_at = models.DateTimeField("validée le", null=True, blank=True)

    class Meta:
        verbose_name = "rupture de contrat"
        verbose_name_plural = "ruptures de contrat"
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mise_en_relation"],
                condition=Q(statut=StatutRupture.SIGNALEE),
                name="recrutement_rupture_une_en_cours",
                violation_error_message="Une rupture est déjà en cours pour ce recrutement.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutRupture.SIGNALEE) | Q(validated_at__isnull=False),
                name="recrutement_rupture_validation_datee",
                violation_error_message="Une rupture validée porte sa date de validation.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rupture du {self.date_rupture:%d/%m/%Y} ({self.get_motif_display().lower()})"
