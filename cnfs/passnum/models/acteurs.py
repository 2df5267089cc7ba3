"""Qualified places, buyers and distributors of the pass numérique."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cnfs.passnum.enums import ServicePass, StatutQualification, TypeCommanditaire, TypeDistributeur
from cnfs.passnum.validators import normalize_bic, normalize_iban, validate_bic, validate_iban
from cnfs.recrutement.validators import normalize_siret, validate_siret


def validate_services(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("La liste des services est mal formée.")
    unknown = [v for v in value if v not in ServicePass.values]
    if unknown:
        raise ValidationError(f"Service inconnu : {', '.join(unknown)}.")


class LieuQualifie(models.Model):
    """A place of the places app that applied to accept pass numériques, and the review of its application.

    Only a place whose status is `qualifiee` may redeem vouchers; its bank details receive the monthly payments.
    """

    lieu = models.OneToOneField(
        "lieux.Lieu", on_delete=models.PROTECT, related_name="qualification_pass", verbose_name="lieu"
    )
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    services = models.JSONField("services proposés", default=list, validators=[validate_services])
    iban = models.CharField("IBAN", max_length=34, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, validators=[validate_bic])
    titulaire_compte = models.CharField("titulaire du compte", max_length=200)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutQualification.choices, default=StatutQualification.DEMANDEE
    )
    motif = models.TextField("motif de la décision", blank=True)
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandée par",
    )
    demandee_at = models.DateTimeField("demandée le", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="instruite par",
    )
    reviewed_at = models.DateTimeField("instruite le", null=True, blank=True)

    class Meta:
        verbose_name = "lieu qualifié pass numérique"
        verbose_name_plural = "lieux qualifiés pass numérique"
        ordering = ["-demandee_at", "id"]
        indexes = [models.Index(fields=["statut"], name="passnum_lieu_statut_idx")]

    def __str__(self) -> str:
        return f"{self.lieu.nom} — {self.get_statut_display()}"

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        self.iban = normalize_iban(self.iban)
        self.bic = normalize_bic(self.bic)
        super().save(*args, **kwargs)

    @property
    def est_qualifie(self) -> bool:
        return self.statut == StatutQualification.QUALIFIEE

    @property
    def iban_masque(self) -> str:
        """The IBAN as pages show it: country, key and the last four characters."""
        return f"{self.iban[:4]} •••• {self.iban[-4:]}" if len(self.iban) > 8 else self.iban

    def service_labels(self) -> list[str]:
        return [ServicePass(s).label for s in self.services if s in ServicePass.values]


class Commanditaire(models.Model):
    """A buyer of pass numériques: a local authority, a CAF, a foundation or a company."""

    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=12, choices=TypeCommanditaire.choices)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "commanditaire"
        verbose_name_plural = "commanditaires"
        ordering = ["nom", "id"]

    def __str__(self) -> str:
        return self.nom

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        super().save(*args, **kwargs)


class Distributeur(models.Model):
    """A prescriber that hands booklets to the people who need them (CAF, town hall, social service…)."""

    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=20, choices=TypeDistributeur.choices)
    departement = models.ForeignKey(
        "territoires.Departement",
        to_field="code",
        db_column="departement_code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="département",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "distributeur"
        verbose_name_plural = "distributeurs"
        ordering = ["nom", "id"]

    def __str__(self) -> str:
        return self.nom
