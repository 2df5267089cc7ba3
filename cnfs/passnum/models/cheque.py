"""Booklets, vouchers and the log of every redemption attempt.

Sized for 2 million vouchers and their redemptions, the platform's hottest write. A redemption updates the voucher's
status, date, place and month; no index of the voucher table holds any of these, so that the update is HOT (the
new row version stays on its page, no index is written) and the table keeps room for it (`fillfactor`, migration
0005). The code is the only unique index; the order's foreign key has its own index, which dashboards read. A
place's redeemed vouchers are found through the log of its accepted attempts (index on place and date).
The log is append-only evidence: its references carry no database constraint (a constraint check per row and per
reference cost a third of a redemption) and only the indexes that pages read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnfs.passnum.enums import PublicCible, ResultatTentative, StatutCarnet, StatutCheque


class Carnet(models.Model):
    """A booklet of 5 or 10 vouchers, handed by a distributor to one person (named only with their consent)."""

    commande = models.ForeignKey(
        "passnum.Commande", on_delete=models.PROTECT, related_name="carnets", verbose_name="commande"
    )
    numero = models.PositiveIntegerField("numéro dans la commande")
    distributeur = models.ForeignKey(
        "passnum.Distributeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carnets",
        verbose_name="distributeur",
    )
    statut = models.CharField("statut", max_length=10, choices=StatutCarnet.choices, default=StatutCarnet.EMIS)
    attribue_at = models.DateTimeField("remis au distributeur le", null=True, blank=True)
    distribue_at = models.DateTimeField("distribué le", null=True, blank=True)
    distribue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="distribué par",
    )
    public = models.CharField("public", max_length=20, choices=PublicCible.choices, blank=True)
    consentement = models.BooleanField("la personne accepte d’être nommée", default=False)
    beneficiaire_nom = models.CharField("nom de la personne", max_length=200, blank=True)

    class Meta:
        verbose_name = "carnet"
        verbose_name_plural = "carnets"
        ordering = ["commande_id", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["commande", "numero"], name="passnum_carnet_numero_unique"),
            models.CheckConstraint(
                condition=Q(beneficiaire_nom="") | Q(consentement=True),
                name="passnum_carnet_nom_avec_consentement",
                violation_error_message="Le nom de la personne n’est enregistré qu’avec son consentement.",
            ),
        ]
        indexes = [models.Index(fields=["distributeur", "statut"], name="passnum_carnet_distrib_idx")]

    def __str__(self) -> str:
        return f"Carnet n° {self.numero}"


class Cheque(models.Model):
    """One voucher: pays one session at a qualified place. `code` is printed, without hyphens, check key included.

    `commande`, `valeur`, `valable_du` and `valable_jusqu_au` are copied from the order at issue so that a
    redemption is one UPDATE of this table alone (see `services.encaissement`).
    """

    # Unique by a constraint, not `unique=True`: on PostgreSQL the field option adds a second index on the code
    # (`varchar_pattern_ops`, for LIKE 'x%') that no query uses and that every issue and redemption would write.
    code = models.CharField("code", max_length=16)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="cheques", verbose_name="carnet")
    commande = models.ForeignKey(
        "passnum.Commande", on_delete=models.PROTECT, related_name="cheques", verbose_name="commande", db_index=False
    )  # indexed by `passnum_cheque_commande_idx`
    valeur = models.PositiveIntegerField("valeur faciale (centimes)")
    statut = models.CharField("statut", max_length=10, choices=StatutCheque.choices, default=StatutCheque.EMIS)
    valable_du = models.DateField("valable du")
    valable_jusqu_au = models.DateField("encaissable jusqu’au (tolérance comprise)")
    redeemed_at = models.DateTimeField("utilisé le", null=True, blank=True)
    redeemed_by_place = models.ForeignKey(
        "passnum.LieuQualifie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cheques_encaisses",
        verbose_name="lieu d’utilisation",
        db_index=False,
    )
    # First day of the month of `redeemed_at` (Europe/Paris): the month whose statement pays this voucher.
    redeemed_month = models.DateField("mois d’utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "chèque"
        verbose_name_plural = "chèques"
        ordering = ["carnet_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="passnum_cheque_code_unique",
                violation_error_message="Ce code de chèque existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(
                    statut=StatutCheque.UTILISE,
                    redeemed_at__isnull=False,
                    redeemed_by_place__isnull=False,
                    redeemed_month__isnull=False,
                )
                | (
                    ~Q(statut=StatutCheque.UTILISE)
                    & Q(redeemed_at__isnull=True, redeemed_by_place__isnull=True, redeemed_month__isnull=True)
                ),
                name="passnum_cheque_utilisation_complete",
                violation_error_message="Un chèque utilisé porte sa date, son lieu et son mois d’utilisation.",
            ),
            models.CheckConstraint(
                condition=Q(valeur__gt=0),
                name="passnum_cheque_valeur_positive",
                violation_error_message="La valeur d’un chèque doit être positive.",
            ),
        ]
        # Nothing that a redemption writes (statut, redeemed_*) is indexed: see the module's docstring.
        indexes = [models.Index(fields=["commande"], name="passnum_cheque_commande_idx")]

    def __str__(self) -> str:
        from cnfs.passnum.codes import format_code

        return format_code(self.code)


class TentativeEncaissement(models.Model):
    """Every redemption attempt, accepted or refused, as typed: the evidence behind each payment and refusal."""

    code_saisi = models.CharField("code saisi", max_length=32)
    cheque = models.ForeignKey(
        Cheque,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tentatives",
        verbose_name="chèque",
        db_index=False,
        db_constraint=False,
    )
    lieu = models.ForeignKey(
        "lieux.Lieu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="lieu",
        db_index=False,
        db_constraint=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="compte",
        db_index=False,
        db_constraint=False,
    )
    resultat = models.CharField("résultat", max_length=20, choices=ResultatTentative.choices)
    motif = models.CharField("motif", max_length=255, blank=True)
    created_at = models.DateTimeField("date", default=timezone.now)

    class Meta:
        verbose_name = "tentative d’encaissement"
        verbose_name_plural = "tentatives d’encaissement"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lieu", "created_at"], name="passnum_tentative_lieu_idx"),
            models.Index(fields=["created_at"], name="passnum_tentative_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.code_saisi} — {self.get_resultat_display()}"

    @property
    def accepte(self) -> bool:
        return self.resultat == ResultatTentative.ACCEPTE
