from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from cnfs.financement.enums import STATUTS_SIGNES, Phase, StatutConvention, StatutVersement
from cnfs.financement.money import add_months


class ConventionQuerySet(models.QuerySet):
    def signees(self):
        return self.filter(statut__in=[s.value for s in STATUTS_SIGNES])

    def in_departements(self, codes):
        return self.filter(structure__commune__departement__code__in=list(codes))

    def annotate_paid(self):
        """`montant_paye`: the sum of the paid instalments (one subquery, not one query per row)."""
        paid = (
            Versement.objects.filter(convention=models.OuterRef("pk"), statut=StatutVersement.PAYE)
            .order_by()
            .values("convention")
            .annotate(s=models.Sum("montant"))
            .values("s")
        )
        return self.annotate(montant_paye=Coalesce(models.Subquery(paid), 0))


class Convention(models.Model):
    """The State funds `nombre_postes` advisor posts of a structure, under a barème, from an envelope.

    The subsidy is computed once, when the convention is drafted (`montant_par_poste` × `nombre_postes`), from the
    barème and the SMIC in force at `date_debut`. Signing commits `montant_total` against the envelope; a departure
    frees part of it (`montant_libere`, one `Liberation` row per departure). The net subsidy
    (`montant_total - montant_libere`) is what the payment schedule sums to.
    """

    structure = models.ForeignKey(
        "recrutement.Structure", on_delete=models.PROTECT, related_name="conventions", verbose_name="structure"
    )
    enveloppe = models.ForeignKey(
        "financement.Enveloppe", on_delete=models.PROTECT, related_name="conventions", verbose_name="enveloppe"
    )
    bareme = models.ForeignKey(
        "financement.Bareme", on_delete=models.PROTECT, related_name="conventions", verbose_name="barème"
    )
    precedente = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suivante",
        verbose_name="convention reconduite",
    )
    phase = models.CharField("phase", max_length=20, choices=Phase.choices, default=Phase.CONVENTIONNEMENT)
    statut = models.CharField(
        "statut", max_length=30, choices=StatutConvention.choices, default=StatutConvention.EN_COURS, db_index=True
    )
    nombre_postes = models.PositiveIntegerField("nombre de postes")
    date_debut = models.DateField("début")
    duree_mois = models.PositiveSmallIntegerField("durée (mois)")
    smic_reference = models.ForeignKey(
        "financement.Smic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="SMIC de référence",
    )
    montant_par_poste = models.BigIntegerField("subvention par poste (centimes)")
    montant_total = models.BigIntegerField("subvention totale (centimes)")
    montant_libere = models.BigIntegerField("montant libéré par les départs (centimes)", default=0)
    signee_le = models.DateField("signée le", null=True, blank=True)
    signee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="signée par",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="saisie par",
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-date_debut", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nombre_postes__gte=1),
                name="financement_convention_au_moins_un_poste",
                violation_error_message="Une convention porte sur au moins un poste.",
            ),
            models.CheckConstraint(
                condition=Q(montant_par_poste__gt=0) & Q(montant_total=F("montant_par_poste") * F("nombre_postes")),
                name="financement_convention_total_coherent",
                violation_error_message="La subvention totale est la subvention par poste multipliée par les postes.",
            ),
            models.CheckConstraint(
                condition=Q(montant_libere__gte=0) & Q(montant_libere__lte=F("montant_total")),
                name="financement_convention_libere_borne",
                violation_error_message="Le montant libéré est compris entre zéro et la subvention.",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=[s.value for s in STATUTS_SIGNES]) | Q(signee_le__isnull=False),
                name="financement_convention_signature_datee",
                violation_error_message="Une convention signée porte sa date de signature.",
            ),
            models.CheckConstraint(
                condition=(Q(phase=Phase.CONVENTIONNEMENT) & Q(precedente__isnull=True))
                | (Q(phase=Phase.RECONVENTIONNEMENT) & Q(precedente__isnull=False)),
                name="financement_convention_phase_coherente",
                violation_error_message="Un reconventionnement reconduit une convention ; un conventionnement non.",
            ),
        ]

    def __str__(self) -> str:
        return f"Convention n° {self.pk} — {self.structure} ({self.nombre_postes} poste(s))"

    def get_absolute_url(self) -> str:
        return reverse("financement:convention_detail", args=[self.pk])

    @property
    def signee(self) -> bool:
        return self.statut in STATUTS_SIGNES

    @property
    def montant_net(self) -> int:
        """What the State pays in the end: the subsidy minus what departures freed."""
        return self.montant_total - self.montant_libere

    @property
    def date_fin(self):
        return add_months(self.date_debut, self.duree_mois)


class Versement(models.Model):
    """One instalment of a convention's payment schedule: planned, then mandated, then paid."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="versements", verbose_name="convention"
    )
    numero = models.PositiveSmallIntegerField("numéro")
    date_prevue = models.DateField("date prévue")
    montant = models.BigIntegerField("montant (centimes)")
    statut = models.CharField(
        "statut", max_length=10, choices=StatutVersement.choices, default=StatutVersement.PREVU, db_index=True
    )
    mandate_le = models.DateField("mandaté le", null=True, blank=True)
    paye_le = models.DateField("payé le", null=True, blank=True)

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["convention_id", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "numero"],
                name="financement_versement_numero_unique",
                violation_error_message="Cette échéance existe déjà pour cette convention.",
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0),
                name="financement_versement_montant_positif",
                violation_error_message="Le montant d’une échéance doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutVersement.PREVU)
                | (Q(statut=StatutVersement.MANDATE) & Q(mandate_le__isnull=False))
                | (Q(statut=StatutVersement.PAYE) & Q(mandate_le__isnull=False) & Q(paye_le__isnull=False)),
                name="financement_versement_dates_statut",
                violation_error_message="Un versement mandaté ou payé porte ses dates.",
            ),
        ]

    def __str__(self) -> str:
        return f"Échéance {self.numero} de la convention n° {self.convention_id}"


class Liberation(models.Model):
    """Money a departure gave back to the envelope: the months of the post not used, pro rata.

    One row per validated departure (`rupture_id` is unique), so that a departure never frees money twice.
    """

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="liberations", verbose_name="convention"
    )
    rupture = models.OneToOneField(
        "recrutement.Rupture",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liberation",
        verbose_name="rupture",
    )
    date_depart = models.DateField("date du départ")
    mois_utilises = models.PositiveSmallIntegerField("mois utilisés")
    montant = models.BigIntegerField("montant libéré (centimes)")
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "libération de crédits"
        verbose_name_plural = "libérations de crédits"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant__gte=0),
                name="financement_liberation_montant_positif",
                violation_error_message="Le montant libéré ne peut pas être négatif.",
            ),
        ]

    def __str__(self) -> str:
        return f"Départ du {self.date_depart:%d/%m/%Y} — convention n° {self.convention_id}"
