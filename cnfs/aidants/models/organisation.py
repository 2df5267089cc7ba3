"""Habilitated organisations, their habilitation requests and their aidants."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cnfs.aidants.enums import Demarche, StatutAidant, StatutDemandeHabilitation, TypeOrganisation
from cnfs.recrutement.validators import normalize_siret, validate_siret


def validate_demarches(value) -> None:
    """A list of démarche codes, each among the ten categories, without repeats."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("La liste des démarches est mal formée.")
    unknown = [v for v in value if v not in Demarche.values]
    if unknown:
        raise ValidationError(f"Démarche inconnue : {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("Une démarche est citée deux fois.")


class Organisation(models.Model):
    """An organisation habilitated to Aidants Connect. Its aidants act under mandates given to it, not to them."""

    nom = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    type = models.CharField("type", max_length=20, choices=TypeOrganisation.choices, default=TypeOrganisation.AUTRE)
    departement = models.CharField("département (code)", max_length=3)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    demarches_autorisees = models.JSONField(
        "démarches autorisées", default=list, validators=[validate_demarches], blank=True
    )
    active = models.BooleanField("habilitée", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "organisation habilitée"
        verbose_name_plural = "organisations habilitées"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        super().save(*args, **kwargs)

    def demarche_labels(self) -> list[str]:
        return [Demarche(d).label for d in self.demarches_autorisees if d in Demarche.values]


class DemandeHabilitation(models.Model):
    """A public request to habilitate an organisation, reviewed by the national team."""

    statut = models.CharField(
        "statut", max_length=20, choices=StatutDemandeHabilitation.choices, default=StatutDemandeHabilitation.SOUMISE
    )
    # The organisation
    nom = models.CharField("nom de l’organisation", max_length=200)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret], db_index=True)
    type = models.CharField("type", max_length=20, choices=TypeOrganisation.choices)
    departement = models.CharField("département (code)", max_length=3)
    adresse = models.CharField("adresse", max_length=255)
    demarches = models.JSONField("démarches souhaitées", default=list, validators=[validate_demarches])
    # Who asks
    demandeur_prenom = models.CharField("prénom du demandeur", max_length=150)
    demandeur_nom = models.CharField("nom du demandeur", max_length=150)
    demandeur_email = models.EmailField("adresse électronique du demandeur")
    demandeur_fonction = models.CharField("fonction du demandeur", max_length=150)
    # The référent who becomes the organisation's responsable
    responsable_prenom = models.CharField("prénom du responsable", max_length=150)
    responsable_nom = models.CharField("nom du responsable", max_length=150)
    responsable_email = models.EmailField("adresse électronique du responsable")
    responsable_telephone = models.CharField("téléphone du responsable", max_length=20)
    # [{"prenom": …, "nom": …, "email": …}]
    aidants_prevus = models.JSONField("futurs aidants", default=list)
    cgu_acceptees = models.BooleanField("conditions générales d’utilisation acceptées", default=False)
    protection_donnees = models.BooleanField("engagement de protection des données", default=False)
    commentaire_instruction = models.TextField("commentaire de l’instruction", blank=True)
    instruite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="instruite par",
    )
    instruite_le = models.DateTimeField("instruite le", null=True, blank=True)
    organisation = models.OneToOneField(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demande",
        verbose_name="organisation créée",
    )
    # ac-life: the requester's address is confirmed by the signed link e-mailed to them (None: "à confirmer").
    email_confirme_le = models.DateTimeField("adresse du demandeur confirmée le", null=True, blank=True)
    created_at = models.DateTimeField("déposée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "demande d’habilitation"
        verbose_name_plural = "demandes d’habilitation"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="aidants_demande_engagements",
                condition=models.Q(cgu_acceptees=True, protection_donnees=True),
                violation_error_message="Les engagements (CGU, protection des données) sont obligatoires.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.siret})"


class Aidant(models.Model):
    """A person habilitated to act for usagers, in their current organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aidant", verbose_name="compte"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="aidants", verbose_name="organisation actuelle"
    )
    statut = models.CharField(
        "habilitation", max_length=20, choices=StatutAidant.choices, default=StatutAidant.EN_FORMATION
    )
    formation_date = models.DateField("date de la formation", null=True, blank=True)
    test_reussi = models.BooleanField("test de compétences numériques réussi", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="habilité·e par",
    )
    validated_at = models.DateTimeField("habilité·e le", null=True, blank=True)
    last_activity_at = models.DateTimeField("dernière activité", null=True, blank=True)
    # ac-life: when the inactivity warning was sent (`cnfs aidants inactivite`).
    inactivite_avertie_le = models.DateTimeField("averti·e de son inactivité le", null=True, blank=True)
    created_at = models.DateTimeField("ajouté·e le", auto_now_add=True)

    class Meta:
        verbose_name = "aidant"
        verbose_name_plural = "aidants"
        ordering = ["organisation", "user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                name="aidants_aidant_habilite_valide",
                condition=~models.Q(statut=StatutAidant.HABILITE) | models.Q(validated_at__isnull=False),
                violation_error_message="Un aidant habilité a une date de validation.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def habilite(self) -> bool:
        return self.statut == StatutAidant.HABILITE
