"""Collective workshops and their public bookings (no account: a name, an e-mail or a phone, a consent)."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cnfs.activite.ateliers.enums import Niveau, StatutReservation

CAPACITE_MAX = 100  # the collective activity record counts at most 100 participants


class Atelier(models.Model):
    """A collective workshop run by a conseiller, in a place or at a distance, with a capacity never exceeded."""

    conseiller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ateliers", verbose_name="conseiller"
    )
    titre = models.CharField("titre", max_length=150)
    description = models.TextField("description", blank=True)
    # Slugs of `cnfs.activite.enums.Theme`, checked by the service (a JSON list: portable to SQLite and PostgreSQL).
    themes = models.JSONField("thèmes", default=list)
    niveau = models.CharField("niveau", max_length=20, choices=Niveau.choices, default=Niveau.DEBUTANT)
    debut = models.DateTimeField("début", db_index=True)
    duree_minutes = models.PositiveIntegerField(
        "durée (minutes)", validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    lieu = models.ForeignKey(
        "lieux.Lieu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ateliers",
        verbose_name="lieu",
    )
    lien_distance = models.URLField("lien de connexion (atelier à distance)", max_length=500, blank=True)
    capacite = models.PositiveSmallIntegerField(
        "nombre de places", validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_MAX)]
    )
    liste_attente = models.BooleanField(
        "liste d’attente", default=True, help_text="Quand l’atelier est complet, inscrire les suivants en attente."
    )
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    presences_le = models.DateTimeField("présences saisies le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "atelier"
        verbose_name_plural = "ateliers"
        ordering = ["debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lieu__isnull=False) | ~Q(lien_distance=""), name="atelier_lieu_ou_lien_distance"
            ),
            models.CheckConstraint(
                condition=Q(capacite__gte=1, capacite__lte=CAPACITE_MAX), name="atelier_capacite_1_100"
            ),
            models.CheckConstraint(condition=Q(duree_minutes__gte=15), name="atelier_duree_min_15"),
        ]

    def __str__(self) -> str:
        return f"{self.titre} ({self.debut:%d/%m/%Y %H:%M})"

    @property
    def fin(self):
        return self.debut + timedelta(minutes=self.duree_minutes)

    @property
    def a_distance(self) -> bool:
        return self.lieu_id is None


class ContactPublic(models.Model):
    """Who booked, without an account. Purged (`purgee_le`) some days after the event: see `reservations_purge`."""

    nom = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    consentement_le = models.DateTimeField("consentement donné le")
    rappel_envoye_le = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    purgee_le = models.DateTimeField("données personnelles effacées le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        abstract = True


class Reservation(ContactPublic):
    """A seat (confirmed) or a place in the waiting list of an atelier."""

    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="reservations", verbose_name="atelier")
    statut = models.CharField("statut", max_length=20, choices=StatutReservation.choices)
    present = models.BooleanField("présent·e", null=True, blank=True)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    promue_le = models.DateTimeField("passée de la liste d’attente à confirmée le", null=True, blank=True)

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["atelier_id", "created_at", "pk"]
        indexes = [models.Index(fields=["atelier", "statut"], name="reservation_atelier_statut")]
        constraints = [
            models.CheckConstraint(
                condition=Q(purgee_le__isnull=False) | ~Q(email="") | ~Q(telephone=""),
                name="reservation_email_ou_telephone",
            )
        ]

    def __str__(self) -> str:
        return f"Réservation n° {self.pk} — {self.atelier.titre}"
