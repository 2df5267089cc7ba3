"""State co-funding envelopes, orders of pass numériques and the territory where an order's vouchers are valid."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from cnfs.passnum.enums import PublicCible, StatutCommande, TypeTerritoire

# The State co-funds at most half of the vouchers bought and used.
TAUX_ETAT_MAX = 50
CHEQUES_PAR_CARNET = (5, 10)


def validate_publics(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("La liste des publics est mal formée.")
    unknown = [v for v in value if v not in PublicCible.values]
    if unknown:
        raise ValidationError(f"Public inconnu : {', '.join(unknown)}.")


class EnveloppeEtat(models.Model):
    """The State's co-funding envelope for a year, national or for one région, in cents.

    `engage` is the total the orders committed, kept by the services under a row lock (`select_for_update`); the
    database refuses `engage > montant` whatever writes it, so an envelope is never over-committed.
    """

    annee = models.PositiveSmallIntegerField("année")
    libelle = models.CharField("libellé", max_length=200)
    region = models.ForeignKey(
        "territoires.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="région (vide : nationale)",
    )
    montant = models.BigIntegerField("montant (centimes)")
    engage = models.BigIntegerField("engagé (centimes)", default=0, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "enveloppe de cofinancement de l’État"
        verbose_name_plural = "enveloppes de cofinancement de l’État"
        ordering = ["-annee", "region_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "region"],
                name="passnum_enveloppe_annee_region_unique",
                violation_error_message="Une enveloppe existe déjà pour cette année et ce territoire.",
            ),
            models.UniqueConstraint(
                fields=["annee"],
                condition=Q(region__isnull=True),
                name="passnum_enveloppe_annee_nationale_unique",
                violation_error_message="Une enveloppe nationale existe déjà pour cette année.",
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0),
                name="passnum_enveloppe_montant_positif",
                violation_error_message="Le montant de l’enveloppe doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(engage__gte=0) & Q(engage__lte=F("montant")),
                name="passnum_enveloppe_jamais_surengagee",
                violation_error_message="L’enveloppe ne peut pas être engagée au-delà de son montant.",
            ),
        ]

    def __str__(self) -> str:
        return self.libelle

    @property
    def disponible(self) -> int:
        return self.montant - self.engage


class Commande(models.Model):
    """An order of booklets by a buyer: `nb_carnets` × `cheques_par_carnet` vouchers of `valeur_faciale` cents.

    The vouchers are valid from `date_debut_validite` to `date_fin_validite` (31 December by default) and are still
    accepted until `date_limite_encaissement` (one month of tolerance). The State co-funds `taux_etat` % of the face
    value of the vouchers used, committed on `enveloppe` when the order is created.
    """

    commanditaire = models.ForeignKey(
        "passnum.Commanditaire", on_delete=models.PROTECT, related_name="commandes", verbose_name="commanditaire"
    )
    libelle = models.CharField("libellé", max_length=200)
    territoire_type = models.CharField("type de territoire", max_length=12, choices=TypeTerritoire.choices)
    publics = models.JSONField("publics visés", default=list, validators=[validate_publics])
    nb_carnets = models.PositiveIntegerField("nombre de carnets")
    cheques_par_carnet = models.PositiveSmallIntegerField(
        "chèques par carnet", choices=[(n, f"{n} chèques") for n in CHEQUES_PAR_CARNET]
    )
    valeur_faciale = models.PositiveIntegerField("valeur faciale d’un chèque (centimes)", default=1000)
    date_debut_validite = models.DateField("début de validité")
    date_fin_validite = models.DateField("fin de validité")
    date_limite_encaissement = models.DateField("date limite d’encaissement (tolérance comprise)")
    taux_etat = models.PositiveSmallIntegerField("taux de cofinancement de l’État (%)", default=0)
    enveloppe = models.ForeignKey(
        EnveloppeEtat,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commandes",
        verbose_name="enveloppe de l’État",
    )
    montant_total = models.BigIntegerField("montant total (centimes)", editable=False)
    montant_etat_engage = models.BigIntegerField("part de l’État engagée (centimes)", default=0, editable=False)
    statut = models.CharField("statut", max_length=10, choices=StatutCommande.choices, default=StatutCommande.ENGAGEE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    emise_at = models.DateTimeField("émise le", null=True, blank=True)

    class Meta:
        verbose_name = "commande de pass numériques"
        verbose_name_plural = "commandes de pass numériques"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cheques_par_carnet__in=CHEQUES_PAR_CARNET),
                name="passnum_commande_cheques_par_carnet",
                violation_error_message="Un carnet compte 5 ou 10 chèques.",
            ),
            models.CheckConstraint(
                condition=Q(nb_carnets__gt=0) & Q(valeur_faciale__gt=0),
                name="passnum_commande_quantites_positives",
                violation_error_message="Le nombre de carnets et la valeur faciale doivent être positifs.",
            ),
            models.CheckConstraint(
                condition=Q(taux_etat__gte=0) & Q(taux_etat__lte=TAUX_ETAT_MAX),
                name="passnum_commande_taux_etat_borne",
                violation_error_message="L’État cofinance au plus 50 % des chèques.",
            ),
            models.CheckConstraint(
                condition=Q(taux_etat=0, montant_etat_engage=0) | Q(enveloppe__isnull=False),
                name="passnum_commande_cofinancement_enveloppe",
                violation_error_message="Un cofinancement de l’État demande une enveloppe.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin_validite__gte=F("date_debut_validite"))
                & Q(date_limite_encaissement__gte=F("date_fin_validite")),
                name="passnum_commande_periode",
                violation_error_message="La fin de validité doit suivre son début.",
            ),
        ]
        indexes = [models.Index(fields=["commanditaire", "statut"], name="passnum_commande_cmd_idx")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.libelle}"

    @property
    def reference(self) -> str:
        return f"PN-{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else "PN-nouvelle"

    @property
    def nb_cheques(self) -> int:
        return self.nb_carnets * self.cheques_par_carnet

    def publics_labels(self) -> list[str]:
        return [PublicCible(p).label for p in self.publics if p in PublicCible.values]


class ZoneCommande(models.Model):
    """One territory where an order's vouchers are valid: `cle` is `R:<région>`, `D:<département>` or `C:<commune>`.

    A redemption matches a place's three keys against these rows inside its one conditional UPDATE, so the
    territory check cannot race with the spending of the voucher.
    """

    commande = models.ForeignKey(Commande, on_delete=models.CASCADE, related_name="zones", verbose_name="commande")
    cle = models.CharField("territoire", max_length=8)
    libelle = models.CharField("nom du territoire", max_length=150, blank=True)

    class Meta:
        verbose_name = "territoire de validité"
        verbose_name_plural = "territoires de validité"
        ordering = ["commande_id", "cle"]
        constraints = [models.UniqueConstraint(fields=["commande", "cle"], name="passnum_zone_unique")]

    def __str__(self) -> str:
        return self.libelle or self.cle
